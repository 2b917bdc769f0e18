using System.Net;
using System.Text.Json;
using Azure.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.Authentication.PhoneMethods;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Polly.Timeout;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Phones;

namespace VpnPortal.Web.Features.MfaMethods;

/// <summary>
/// Phone methods in Microsoft Entra ID through the Microsoft Graph SDK's phone authentication methods API
/// (/users/{id}/authentication/phoneMethods, app-only), and the preferred method through signInPreferences, which only
/// Graph beta has: those requests are written here, sent by the same SDK client with the same token.
/// Throttling is honoured: a 429 or 503 is retried after its Retry-After; calls that are safe to repeat (GET, PATCH,
/// DELETE) are also retried after other server errors, a create only when Graph says it was not processed (429).
/// </summary>
public sealed class GraphMfaMethodProvider(
    GraphClients clients,
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

    // The user's name is part of each path; logs and admin details name only the operation.
    private const string PhoneMethods = "phoneMethods";
    private const string SignInPreferences = "signInPreferences";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // How Graph's error bodies are read, for the requests written here as for the SDK's own.
    private static readonly Dictionary<string, ParsableFactory<IParsable>> ErrorMapping = new() { ["XXX"] = ODataError.CreateFromDiscriminatorValue };

    private readonly GraphServiceClient _graph = clients.V1();

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
        PhoneAuthenticationMethodCollectionResponse? list = null;
        await EnsureAsync("GET", PhoneMethods, "read your phone numbers", async c => list = await Phones(user).GetAsync(GraphResilience.MarkSafeToRepeat, c), cancellationToken);
        var phones = (list?.Value ?? [])
            .Select(p => (Kind: ParseKind(p.PhoneType), p.PhoneNumber))
            .Where(p => p.Kind is not null && p.PhoneNumber is not null)
            .Select(p => new MfaPhone(p.Kind!.Value, PhoneNumber.FromStored(p.PhoneNumber), p.PhoneNumber!))
            .OrderBy(p => p.Kind)
            .ToList();

        GraphSignInPreferences? preferences = null;
        await EnsureAsync("GET", SignInPreferences, "read your preferred sign-in method", async c =>
        {
            await using var body = await _graph.RequestAdapter.SendPrimitiveAsync<Stream>(SignInPreferencesRequest(user, Method.GET, null), ErrorMapping, c);
            preferences = body is null ? null : await JsonSerializer.DeserializeAsync<GraphSignInPreferences>(body, Json, c);
        }, cancellationToken);
        return (phones, preferences?.UserPreferredMethodForSecondaryAuthentication);
    }

    public async Task SetPhoneAsync(MfaUser user, PhoneKind kind, PhoneNumber number, CancellationToken cancellationToken)
    {
        // The body Graph documents: the number and its type. The SDK sends what changed after a body's initialisation (so
        // not its default @odata.type), and a body once: a new one for each request.
        PhoneAuthenticationMethod Body()
        {
            var body = new PhoneAuthenticationMethod();
            body.BackingStore.InitializationCompleted = true;
            body.PhoneNumber = number.EntraFormat;
            body.PhoneType = PhoneType(kind);
            return body;
        }

        var update = await TryAsync("PATCH", PhoneMethods, c => Phones(user)[MethodIds[kind]].PatchAsync(Body(), GraphResilience.MarkSafeToRepeat, c), cancellationToken);
        if (update is null)
        {
            return;
        }

        if (update.ResponseStatusCode != (int)HttpStatusCode.NotFound)
        {
            throw Failure(update, "PATCH", PhoneMethods, "save the number");
        }

        // No number of this kind yet: add one. A create is repeated only when Graph says it did not process it.
        await EnsureAsync("POST", PhoneMethods, "save the number", c => Phones(user).PostAsync(Body(), cancellationToken: c), cancellationToken);
    }

    public async Task RemovePhoneAsync(MfaUser user, PhoneKind kind, CancellationToken cancellationToken)
    {
        var refused = await TryAsync("DELETE", PhoneMethods, c => Phones(user)[MethodIds[kind]].DeleteAsync(GraphResilience.MarkSafeToRepeat, c), cancellationToken);
        if (refused is null)
        {
            return;
        }

        if (refused.ResponseStatusCode == (int)HttpStatusCode.NotFound && (refused as ODataError)?.Error?.Code != "Request_ResourceNotFound")
        {
            return; // the method is already gone (the user is there): the outcome the user asked for
        }

        var failure = Failure(refused, "DELETE", PhoneMethods, "remove the number");
        if (refused.ResponseStatusCode == (int)HttpStatusCode.BadRequest && await RemovalRuleAsync(user, kind, cancellationToken) is { } rule)
        {
            // Graph's own words for its removal rules are not for people; the rule it applied is.
            throw new MfaProviderException(rule, failure.Detail, transient: false);
        }

        throw failure;
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
        await EnsureAsync("PATCH", SignInPreferences, "save your preferred method", c =>
            _graph.RequestAdapter.SendNoContentAsync(SignInPreferencesRequest(user, Method.PATCH, body), ErrorMapping, c), cancellationToken);
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

    private PhoneMethodsRequestBuilder Phones(MfaUser user) => _graph.Users[user.DirectoryName].Authentication.PhoneMethods;

    // Sign-in preferences exist only in Graph's beta version, which the SDK (v1.0) has no request builder for.
    private RequestInformation SignInPreferencesRequest(MfaUser user, Method method, GraphSignInPreferences? body)
    {
        var request = new RequestInformation
        {
            HttpMethod = method,
            URI = new Uri($"{clients.BetaUrl}/users/{Uri.EscapeDataString(user.DirectoryName)}/authentication/signInPreferences"),
        };
        request.Headers.TryAdd("Accept", "application/json");
        GraphResilience.MarkSafeToRepeat(request);
        if (body is not null)
        {
            request.SetStreamContent(new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(body, Json)), "application/json");
        }

        return request;
    }

    private async Task EnsureAsync(string method, string resource, string doing, Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        if (await TryAsync(method, resource, call, cancellationToken) is { } refused)
        {
            throw Failure(refused, method, resource, doing);
        }
    }

    /// <summary>
    /// One Graph call; Graph's refusal or failure is returned for the caller to judge. Its retries, each attempt's timeout
    /// and the call's budget are the "graph" client's resilience pipeline (<see cref="GraphResilience"/>); the request says
    /// whether it is safe to repeat after a failure whose outcome is unknown. The SDK gets the access token first (from
    /// Azure.Identity's cache, or from Entra through the same client).
    /// </summary>
    private async Task<ApiException?> TryAsync(string method, string resource, Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        try
        {
            await call(cancellationToken);
            return null;
        }
        catch (ApiException e)
        {
            if (GraphResilience.IsThrottled((HttpStatusCode)e.ResponseStatusCode) || e.ResponseStatusCode >= 500)
            {
                logger.LogWarning("Microsoft Graph {Method} {Path} answered {Status}", method, resource, e.ResponseStatusCode);
            }

            return e;
        }
        catch (AuthenticationFailedException e)
        {
            throw GraphClients.TokenFailure(e);
        }
        catch (Exception e) when (Unanswered(e, cancellationToken))
        {
            throw new MfaProviderException(
                "The sign-in methods service could not be reached. Try again in a few minutes.",
                $"Microsoft Graph {method} {resource} failed: {Describe(e)}",
                transient: true,
                e);
        }
    }

    // No answer: the connection failed, or an attempt's or the call's time ran out (not a cancellation the caller asked for).
    private static bool Unanswered(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or TimeoutRejectedException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private string Describe(Exception e) =>
        e is OperationCanceledException or TimeoutRejectedException ? $"no answer within {Entra.RequestTimeout.TotalSeconds:0.#} s (Timeout)" : e.Message;

    /// <summary>The failure a refused or failed answer means: plain words for the user, Graph's answer for admins.</summary>
    private static MfaProviderException Failure(ApiException refused, string method, string resource, string doing)
    {
        var error = (refused as ODataError)?.Error;
        var status = (HttpStatusCode)refused.ResponseStatusCode;
        var detail = $"Microsoft Graph {method} {resource} answered {refused.ResponseStatusCode}" + (error is null ? "" : $" {error.Code}: {error.Message}");
        return status switch
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
            _ when (int)status >= 500 => new MfaProviderException(
                $"Microsoft Entra ID could not {doing} just now. Try again in a few minutes.", detail, transient: true),
            _ => new MfaProviderException($"Microsoft Entra ID could not {doing}.", detail, transient: false),
        };
    }

    private static AuthenticationPhoneType PhoneType(PhoneKind kind) => kind switch
    {
        PhoneKind.Mobile => AuthenticationPhoneType.Mobile,
        PhoneKind.AlternateMobile => AuthenticationPhoneType.AlternateMobile,
        PhoneKind.Office => AuthenticationPhoneType.Office,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static PhoneKind? ParseKind(AuthenticationPhoneType? phoneType) => phoneType switch
    {
        AuthenticationPhoneType.Mobile => PhoneKind.Mobile,
        AuthenticationPhoneType.AlternateMobile => PhoneKind.AlternateMobile,
        AuthenticationPhoneType.Office => PhoneKind.Office,
        _ => null,
    };

    private static MfaMethod? ParsePreferred(string? value) => value switch
    {
        "voiceMobile" or "voiceAlternateMobile" or "voiceOffice" => MfaMethod.PhoneCall,
        "sms" => MfaMethod.TextMessage,
        "push" => MfaMethod.AppNotification,
        _ => null,
    };

    private sealed record GraphSignInPreferences(string? UserPreferredMethodForSecondaryAuthentication);
}
