using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VpnPortal.Domain.Phones;

namespace VpnPortal.Web.Features.MfaMethods;

public enum CodeDelivery
{
    TextMessage = 1,
    VoiceCall = 2,
}

/// <summary>Delivers a one-time code to a phone, by text message or a call that reads it out.</summary>
public interface IVerificationCodeSender
{
    Task SendAsync(PhoneNumber to, string code, CodeDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>The sender could not deliver. The message is for the user; <see cref="Detail"/> for the log.</summary>
public sealed class CodeDeliveryException(string message, string detail, Exception? inner = null) : Exception(message, inner)
{
    public string Detail { get; } = detail;
}

/// <summary>"Mfa:CodeSender": which sender, and the HTTP gateway's settings.</summary>
public sealed class CodeSenderOptions : IValidatableObject
{
    public const string Section = "Mfa:CodeSender";

    /// <summary>"Log" (Development only: the code goes to the portal's log; elsewhere nothing is sent) or "HttpGateway".</summary>
    public string Kind { get; set; } = "Log";

    /// <summary>The gateway's address; the request is a POST of <see cref="BodyTemplate"/>.</summary>
    public string? Url { get; set; }

    /// <summary>e.g. "Authorization"; the value comes from the environment (Mfa__CodeSender__AuthHeaderValue).</summary>
    public string? AuthHeaderName { get; set; }

    public string? AuthHeaderValue { get; set; }

    /// <summary>
    /// JSON with placeholders {{to}} (E.164), {{code}}, {{channel}} ("sms" or "voice") and {{message}} (the sentence to
    /// send or read out). Each is inserted as a JSON string's content, escaped.
    /// </summary>
    public string BodyTemplate { get; set; } = """{"to":"{{to}}","channel":"{{channel}}","message":"{{message}}"}""";

    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    public bool IsHttpGateway => string.Equals(Kind, "HttpGateway", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsHttpGateway && !string.Equals(Kind, "Log", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"Mfa:CodeSender:Kind must be \"Log\" or \"HttpGateway\", not \"{Kind}\".");
        }

        if (IsHttpGateway)
        {
            if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback))
            {
                yield return new ValidationResult("Mfa:CodeSender:Url must be an https address (http only on loopback).");
            }

            if (!BodyTemplate.Contains("{{code}}", StringComparison.Ordinal) && !BodyTemplate.Contains("{{message}}", StringComparison.Ordinal))
            {
                yield return new ValidationResult("Mfa:CodeSender:BodyTemplate must carry {{code}} or {{message}}.");
            }

            if (string.IsNullOrWhiteSpace(AuthHeaderName) != string.IsNullOrWhiteSpace(AuthHeaderValue))
            {
                yield return new ValidationResult("Mfa:CodeSender:AuthHeaderName and AuthHeaderValue are set together.");
            }
        }
    }
}

/// <summary>What a portal without a gateway has outside Development: every send fails, saying why.</summary>
public sealed class UnconfiguredVerificationCodeSender : IVerificationCodeSender
{
    public Task SendAsync(PhoneNumber to, string code, CodeDelivery delivery, CancellationToken cancellationToken) =>
        throw new CodeDeliveryException("Codes cannot be sent: the portal has no text message service set up. Ask the helpdesk.",
            "No SMS/voice gateway is configured (Mfa:CodeSender:Kind=HttpGateway with Url); writing codes to the log is for Development only.");
}

/// <summary>Writes the code to the portal's log. Used only in Development, where no gateway is set up.</summary>
public sealed class LogVerificationCodeSender(ILogger<LogVerificationCodeSender> logger) : IVerificationCodeSender
{
    public Task SendAsync(PhoneNumber to, string code, CodeDelivery delivery, CancellationToken cancellationToken)
    {
        logger.LogWarning("Development: verification code {Code} for {Phone} ({Delivery}); a production portal sends it through the gateway",
            code, to.Masked, delivery);
        return Task.CompletedTask;
    }
}

/// <summary>A generic HTTP SMS/voice gateway: a POST of a JSON body built from a template, with an optional auth header.</summary>
public sealed class HttpGatewayVerificationCodeSender(
    IHttpClientFactory httpClients,
    IOptions<CodeSenderOptions> options,
    IOptions<MfaOptions> mfa,
    ILogger<HttpGatewayVerificationCodeSender> logger) : IVerificationCodeSender
{
    public const string HttpClientName = "sms-gateway";

    public async Task SendAsync(PhoneNumber to, string code, CodeDelivery delivery, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url)
        {
            Content = new StringContent(Body(settings.BodyTemplate, to, code, delivery, mfa.Value.CodeLifetime), Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrWhiteSpace(settings.AuthHeaderName))
        {
            request.Headers.TryAddWithoutValidation(settings.AuthHeaderName, settings.AuthHeaderValue);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new CodeDeliveryException("The code could not be sent just now. Try again in a few minutes.",
                $"The SMS/voice gateway did not answer: {e.Message}", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var excerpt = await response.Content.ReadAsStringAsync(cancellationToken);
                excerpt = excerpt.Length > 200 ? excerpt[..200] + "…" : excerpt;
                throw new CodeDeliveryException("The code could not be sent just now. Try again in a few minutes.",
                    $"The SMS/voice gateway answered {(int)response.StatusCode}: {excerpt}");
            }
        }

        logger.LogInformation("Verification code sent to {Phone} by {Delivery}", to.Masked, delivery);
    }

    /// <summary>The template with each placeholder replaced by its value escaped as JSON string content.</summary>
    public static string Body(string template, PhoneNumber to, string code, CodeDelivery delivery, TimeSpan lifetime)
    {
        // Read out digit by digit, twice, for a voice call.
        var spoken = string.Join(", ", code.ToCharArray());
        var message = delivery == CodeDelivery.VoiceCall
            ? $"Your VpnPortal verification code is {spoken}. Again: {spoken}."
            : $"Your VpnPortal verification code is {code}. It expires in {lifetime.TotalMinutes:0} minutes. If you did not ask for it, ignore this message.";
        return template
            .Replace("{{to}}", Escape(to.E164), StringComparison.Ordinal)
            .Replace("{{code}}", Escape(code), StringComparison.Ordinal)
            .Replace("{{channel}}", delivery == CodeDelivery.VoiceCall ? "voice" : "sms", StringComparison.Ordinal)
            .Replace("{{message}}", Escape(message), StringComparison.Ordinal);
    }

    private static string Escape(string value)
    {
        var quoted = JsonSerializer.Serialize(value);
        return quoted[1..^1];
    }
}
