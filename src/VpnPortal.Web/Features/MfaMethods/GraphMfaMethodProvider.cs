using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Phones;

namespace VpnPortal.Web.Features.MfaMethods;

/// <summary>
/// Phone methods in Microsoft Entra ID through Microsoft Graph's phone authentication methods API
/// (/users/{id}/authentication/phoneMethods, app-only), and the preferred method through signInPreferences (beta).
/// Throttling is honoured: a 429 or 503 is retried after its Retry-After; calls that are safe to repeat (GET, PATCH,
/// DELETE) are also retried after other server errors, a create only when Graph says it was not processed (429).
/// </summary>
public sealed class GraphMfaMethodProvider(
    IHttpClientFactory httpClients,
    IGraphAccessTokens tokens,
    IOptions<MfaOptions> options,
    ILogger<GraphMfaMethodProvider> logger) : IMfaMethodProvider
{
    public const string HttpClientName = "graph";

    /// <summary>The fixed ids Graph gives each phone type's method.</summary>
    public static readonly IReadOnlyDictionary<PhoneKind, string> MethodIds = new Dictionary<PhoneKind, string>
    {
        [PhoneKind.Mobile] = "3179e48a-750b-4051-897c-87b9720928f7",
        [PhoneKind.AlternateMobile] = "b6332ec1-7057-4abe-9331-3d72feddfe41",
        [PhoneKind.Office] = "e37fc753-ff3b-4958-9484-eaa9425c82bc",
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private EntraOptions Entra => options.Value.Entra;

    public string DisplayName => "Microsoft Entra ID";

    public async Task<MfaMethodSet> GetAsync(MfaUser user, CancellationToken cancellationToken)
    {
        var (phones, preferred) = await ReadAsync(user, cancellationToken);
        return new MfaMethodSet(phones, ParsePreferred(preferred));
    }

    /// <summary>The phones, and the preferred method in Graph's own words (which phone a call goes to).</summary>
    private async Task<(List<MfaPhone> Phones, string? Preferred)> ReadAsync(MfaUser user, CancellationToken cancellationToken)
    {
        using var phonesResponse = await SendAsync(HttpMethod.Get, PhoneMethodsPath(user), null, safeToRepeat: true, cancellationToken);
        await EnsureSuccessAsync(phonesResponse, "read your phone numbers", cancellationToken);
        var list = await phonesResponse.Content.ReadFromJsonAsync<GraphList<GraphPhoneMethod>>(Json, cancellationToken);
        var phones = (list?.Value ?? [])
            .Select(p => (Kind: ParseKind(p.PhoneType), p.PhoneNumber))
            .Where(p => p.Kind is not null && p.PhoneNumber is not null)
            .Select(p => new MfaPhone(p.Kind!.Value, PhoneNumber.FromStored(p.PhoneNumber), p.PhoneNumber!))
            .OrderBy(p => p.Kind)
            .ToList();

        using var preferencesResponse = await SendAsync(HttpMethod.Get, SignInPreferencesUri(user), null, safeToRepeat: true, cancellationToken);
        await EnsureSuccessAsync(preferencesResponse, "read your preferred sign-in method", cancellationToken);
        var preferences = await preferencesResponse.Content.ReadFromJsonAsync<GraphSignInPreferences>(Json, cancellationToken);
        return (phones, preferences?.UserPreferredMethodForSecondaryAuthentication);
    }

    public async Task SetPhoneAsync(MfaUser user, PhoneKind kind, PhoneNumber number, CancellationToken cancellationToken)
    {
        var body = new GraphPhoneMethod(null, number.EntraFormat, PhoneType(kind));
        using var update = await SendAsync(HttpMethod.Patch, $"{PhoneMethodsPath(user)}/{MethodIds[kind]}", body, safeToRepeat: true, cancellationToken);
        if (update.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureSuccessAsync(update, "save the number", cancellationToken);
            return;
        }

        // No number of this kind yet: add one. A create is repeated only when Graph says it did not process it.
        using var create = await SendAsync(HttpMethod.Post, PhoneMethodsPath(user), body, safeToRepeat: false, cancellationToken);
        await EnsureSuccessAsync(create, "save the number", cancellationToken);
    }

    public async Task RemovePhoneAsync(MfaUser user, PhoneKind kind, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"{PhoneMethodsPath(user)}/{MethodIds[kind]}", null, safeToRepeat: true, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && !await IsUserMissingAsync(response, cancellationToken))
        {
            return; // already gone: the outcome the user asked for
        }

        if (response.StatusCode == HttpStatusCode.BadRequest && await RemovalRuleAsync(user, kind, cancellationToken) is { } rule)
        {
            // Graph's own words for its removal rules are not for people; the rule it applied is.
            var refused = await FailureAsync(response, "remove the number", cancellationToken);
            throw new MfaProviderException(rule, refused.Detail, transient: false);
        }

        await EnsureSuccessAsync(response, "remove the number", cancellationToken);
    }

    /// <summary>Which of Graph's documented removal rules the user's methods break, in plain words; null when none.</summary>
    private async Task<string?> RemovalRuleAsync(MfaUser user, PhoneKind kind, CancellationToken cancellationToken)
    {
        var (phones, preferred) = await ReadAsync(user, cancellationToken);
        if (kind == PhoneKind.Mobile && phones.Any(p => p.Kind == PhoneKind.AlternateMobile))
        {
            return "Microsoft Entra ID keeps an alternate mobile only next to a mobile number: change the mobile number instead, or remove the alternate mobile first.";
        }

        var usedByPreferred = preferred switch
        {
            "sms" or "voiceMobile" => PhoneKind.Mobile,
            "voiceAlternateMobile" => PhoneKind.AlternateMobile,
            "voiceOffice" => PhoneKind.Office,
            _ => (PhoneKind?)null,
        };
        return usedByPreferred == kind
            ? "This number is how sign-ins are confirmed by default: choose another preferred method first, then remove it."
            : null;
    }

    public async Task SetPreferredAsync(MfaUser user, MfaMethod method, CancellationToken cancellationToken)
    {
        var body = new GraphSignInPreferences(method switch
        {
            MfaMethod.PhoneCall => await CallMethodAsync(user, cancellationToken),
            MfaMethod.TextMessage => "sms",
            MfaMethod.AppNotification => "push",
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
        });
        using var response = await SendAsync(HttpMethod.Patch, SignInPreferencesUri(user), body, safeToRepeat: true, cancellationToken);
        await EnsureSuccessAsync(response, "save your preferred method", cancellationToken);
    }

    // Graph names the phone a call goes to: the mobile when there is one, else the phone the user has.
    private async Task<string> CallMethodAsync(MfaUser user, CancellationToken cancellationToken)
    {
        var (phones, _) = await ReadAsync(user, cancellationToken);
        return phones.Select(p => p.Kind).DefaultIfEmpty(PhoneKind.Mobile).Min() switch
        {
            PhoneKind.AlternateMobile => "voiceAlternateMobile",
            PhoneKind.Office => "voiceOffice",
            _ => "voiceMobile",
        };
    }

    private string PhoneMethodsPath(MfaUser user) =>
        $"{Entra.GraphBaseUrl.TrimEnd('/')}/v1.0/users/{Uri.EscapeDataString(user.DirectoryName)}/authentication/phoneMethods";

    // Sign-in preferences exist only in Graph's beta version.
    private string SignInPreferencesUri(MfaUser user) =>
        $"{Entra.GraphBaseUrl.TrimEnd('/')}/beta/users/{Uri.EscapeDataString(user.DirectoryName)}/authentication/signInPreferences";

    /// <summary>
    /// One Graph call. Its retries, each attempt's timeout and the call's budget are the "graph" client's resilience
    /// pipeline (<see cref="GraphResilience"/>); the request says whether it is safe to repeat after a failure whose outcome
    /// is unknown. The access token is fetched (or taken from the cache) first, within one attempt's time.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, object? body, bool safeToRepeat, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(method, uri);
        GraphResilience.SetSafeToRepeat(request, safeToRepeat);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        try
        {
            using (var tokenTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                tokenTimeout.CancelAfter(Entra.RequestTimeout);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(tokenTimeout.Token));
            }

            var response = await client.SendAsync(request, cancellationToken);
            if (GraphResilience.IsThrottled(response.StatusCode) || (int)response.StatusCode >= 500)
            {
                logger.LogWarning("Microsoft Graph {Method} {Path} answered {Status}", method, PathOf(uri), (int)response.StatusCode);
            }

            return response;
        }
        catch (Exception e) when (Unanswered(e, cancellationToken))
        {
            throw new MfaProviderException(
                "The sign-in methods service could not be reached. Try again in a few minutes.",
                $"Microsoft Graph {method} {PathOf(uri)} failed: {Describe(e)}",
                transient: true,
                e);
        }
    }

    // No answer: the connection failed, or an attempt's or the call's time ran out (not a cancellation the caller asked for).
    private static bool Unanswered(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or TimeoutRejectedException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private string Describe(Exception e) =>
        e is OperationCanceledException or TimeoutRejectedException ? $"no answer within {Entra.RequestTimeout.TotalSeconds:0.#} s (Timeout)" : e.Message;

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string doing, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, doing, cancellationToken);
        }
    }

    /// <summary>The failure a refused or failed answer means: plain words for the user, Graph's answer for admins.</summary>
    private static async Task<MfaProviderException> FailureAsync(HttpResponseMessage response, string doing, CancellationToken cancellationToken)
    {
        var error = await ReadErrorAsync(response, cancellationToken);
        var detail = $"Microsoft Graph {response.RequestMessage?.Method} {PathOf(response.RequestMessage?.RequestUri?.ToString())} answered {(int)response.StatusCode}" +
            (error is null ? "" : $" {error.Code}: {error.Message}");
        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest => new MfaProviderException(
                $"Microsoft Entra ID did not accept this change{(error?.Message is { Length: > 0 } m ? ": " + m : ".")}", detail, transient: false),
            HttpStatusCode.NotFound => new MfaProviderException(
                "Your account was not found in Microsoft Entra ID. Ask the helpdesk.", detail, transient: false),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new MfaProviderException(
                "The portal is not allowed to change sign-in methods. Ask the helpdesk.",
                detail + " (the app registration needs the application permission UserAuthenticationMethod.ReadWrite.All, with admin consent)",
                transient: false),
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => new MfaProviderException(
                $"Microsoft Entra ID is busy and could not {doing}. Try again in a few minutes.", detail, transient: true),
            _ when (int)response.StatusCode >= 500 => new MfaProviderException(
                $"Microsoft Entra ID could not {doing} just now. Try again in a few minutes.", detail, transient: true),
            _ => new MfaProviderException($"Microsoft Entra ID could not {doing}.", detail, transient: false),
        };
    }

    private static async Task<bool> IsUserMissingAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        (await ReadErrorAsync(response, cancellationToken))?.Code == "Request_ResourceNotFound";

    private static async Task<GraphError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return body.Length == 0 ? null : JsonSerializer.Deserialize<GraphErrorBody>(body, Json)?.Error;
        }
        catch (JsonException)
        {
            return null; // an error page that is not Graph's JSON: the status code alone is reported
        }
    }

    // The user's name is part of the path; logs and admin details keep only the operation.
    private static string PathOf(string? uri) =>
        uri is null ? "" : uri.Contains("/signInPreferences", StringComparison.Ordinal) ? "signInPreferences" : "phoneMethods";

    private static string PhoneType(PhoneKind kind) => kind switch
    {
        PhoneKind.Mobile => "mobile",
        PhoneKind.AlternateMobile => "alternateMobile",
        PhoneKind.Office => "office",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static PhoneKind? ParseKind(string? phoneType) => phoneType switch
    {
        "mobile" => PhoneKind.Mobile,
        "alternateMobile" => PhoneKind.AlternateMobile,
        "office" => PhoneKind.Office,
        _ => null,
    };

    private static MfaMethod? ParsePreferred(string? value) => value switch
    {
        "voiceMobile" or "voiceAlternateMobile" or "voiceOffice" => MfaMethod.PhoneCall,
        "sms" => MfaMethod.TextMessage,
        "push" => MfaMethod.AppNotification,
        _ => null,
    };

    private sealed record GraphList<T>(List<T>? Value);

    private sealed record GraphPhoneMethod(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
        string? PhoneNumber,
        string? PhoneType);

    private sealed record GraphSignInPreferences(string? UserPreferredMethodForSecondaryAuthentication);

    private sealed record GraphErrorBody(GraphError? Error);

    private sealed record GraphError(string? Code, string? Message);
}
