using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace VpnPortal.Web.Features.Account.Oidc;

/// <summary>The scheme's options: the framework's OAuth options, endpoints taken from discovery at each request.</summary>
public sealed class OidcSchemeOptions : OAuthOptions
{
    public OidcSchemeOptions()
    {
        UsePkce = true;
        SaveTokens = false;
    }
}

/// <summary>A sign-in the provider's answer did not allow; <see cref="Reason"/> is a short code for the page and the audit log.</summary>
public sealed class OidcSignInFailure(string reason, string detail) : Exception(detail)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// OpenID Connect authorization code flow with PKCE on the framework's OAuth handler. The handler already protects
/// <c>state</c> (data protection) and binds it to this browser (correlation cookie); this adds discovery, a nonce kept
/// in the protected state and sent in the request, the code exchange at the discovered token endpoint, and the
/// id_token check. Only the validated id_token's claims are used: the userinfo endpoint is never asked.
/// </summary>
public sealed class OidcHandler(
    IOptionsMonitor<OidcSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OidcProviderMetadata metadata,
    IdTokenValidator validator)
    : OAuthHandler<OidcSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "oidc";
    public const string NonceKey = ".oidc.nonce";

    /// <summary>An OIDC prompt value for this sign-in ("login": the provider must authenticate the person again).</summary>
    public const string PromptKey = ".oidc.prompt";
    public const string IdTokenName = "id_token";

    private OpenIdConnectConfiguration? _configuration;

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        try
        {
            _configuration = await metadata.GetAsync(Context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException)
        {
            Logger.LogError(ex, "The identity provider's discovery document could not be read");
            Response.Redirect(OidcFailures.PagePath(OidcFailures.ProviderUnavailable));
            return;
        }

        await base.HandleChallengeAsync(properties);
    }

    protected override string BuildChallengeUrl(AuthenticationProperties properties, string redirectUri)
    {
        var nonce = RandomValue();
        var verifier = RandomValue();
        properties.Items[NonceKey] = nonce;
        properties.Items[OAuthConstants.CodeVerifierKey] = verifier;
        var parameters = new Dictionary<string, string?>
        {
            ["client_id"] = Options.ClientId,
            ["response_type"] = "code",
            ["response_mode"] = "query",
            ["scope"] = string.Join(' ', Options.Scope),
            ["redirect_uri"] = redirectUri,
            ["code_challenge"] = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = OAuthConstants.CodeChallengeMethodS256,
            ["nonce"] = nonce,
        };
        if (properties.Items.TryGetValue(PromptKey, out var prompt) && prompt is not null)
        {
            parameters["prompt"] = prompt;
        }

        // Protected last, so the nonce and the PKCE verifier travel inside the encrypted state.
        parameters["state"] = Options.StateDataFormat.Protect(properties);
        return QueryHelpers.AddQueryString(_configuration!.AuthorizationEndpoint, parameters);
    }

    protected override async Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
    {
        var query = Request.Query;
        var properties = Options.StateDataFormat.Unprotect(query["state"]);
        if (properties is null)
        {
            return Fail(OidcFailures.BadState, "the state parameter is missing or was not issued by this portal", null);
        }

        // The correlation cookie proves this browser started this sign-in (no login CSRF, no swapped responses).
        if (!ValidateCorrelationId(properties))
        {
            return Fail(OidcFailures.BadState, "the sign-in was not started in this browser (correlation cookie missing or different)", properties);
        }

        var nonce = properties.Items.TryGetValue(NonceKey, out var n) ? n : null;
        var verifier = properties.Items.TryGetValue(OAuthConstants.CodeVerifierKey, out var v) ? v : null;
        properties.Items.Remove(NonceKey);
        properties.Items.Remove(OAuthConstants.CodeVerifierKey);
        if (nonce is null || verifier is null)
        {
            return Fail(OidcFailures.BadState, "the state carries no nonce or PKCE verifier", properties);
        }

        if (!string.IsNullOrEmpty(query["error"]))
        {
            return Fail(OidcFailures.ProviderError, $"the provider answered '{Printable(query["error"])}'", properties);
        }

        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await metadata.GetAsync(Context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException)
        {
            Logger.LogError(ex, "The identity provider's discovery document could not be read");
            return Fail(OidcFailures.ProviderUnavailable, "the provider's discovery document could not be read", properties);
        }

        // RFC 9207: a provider that names itself in the response must be the one this sign-in went to (mix-up defence).
        if (!string.IsNullOrEmpty(query["iss"]) && !string.Equals(query["iss"].ToString().TrimEnd('/'), configuration.Issuer?.TrimEnd('/'), StringComparison.Ordinal))
        {
            return Fail(OidcFailures.BadToken, "the response names another issuer", properties);
        }

        var code = query["code"].ToString();
        if (code.Length == 0)
        {
            return Fail(OidcFailures.ProviderError, "the response has no authorization code", properties);
        }

        var (idToken, problem) = await RedeemAsync(configuration, code, verifier);
        if (idToken is null)
        {
            return Fail(problem == OidcFailures.NoIdToken ? OidcFailures.NoIdToken : OidcFailures.ProviderError, problem!, properties);
        }

        var validation = await validator.ValidateAsync(idToken, nonce, Context.RequestAborted);
        if (validation.Identity is null)
        {
            return Fail(OidcFailures.BadToken, validation.Problem!, properties);
        }

        properties.StoreTokens([new AuthenticationToken { Name = IdTokenName, Value = idToken }]);
        return HandleRequestResult.Success(new AuthenticationTicket(new ClaimsPrincipal(validation.Identity), properties, Scheme.Name));
    }

    /// <summary>Exchanges the code (with the PKCE verifier) for tokens; returns the id_token or what went wrong.</summary>
    private async Task<(string? IdToken, string? Problem)> RedeemAsync(OpenIdConnectConfiguration configuration, string code, string verifier)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = BuildRedirectUri(Options.CallbackPath),
                ["client_id"] = Options.ClientId,
                ["client_secret"] = Options.ClientSecret,
                [OAuthConstants.CodeVerifierKey] = verifier,
            }),
        };
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await Backchannel.SendAsync(request, Context.RequestAborted);
        var body = await response.Content.ReadAsStringAsync(Context.RequestAborted);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return (null, $"the token endpoint answered {(int)response.StatusCode} without JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (!response.IsSuccessStatusCode)
            {
                var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) ? e.ToString() : "";
                return (null, $"the token endpoint answered {(int)response.StatusCode} '{Printable(error)}'");
            }

            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id_token", out var t) && t.ValueKind == JsonValueKind.String
                ? (t.GetString(), null)
                : (null, OidcFailures.NoIdToken);
        }
    }

    private static HandleRequestResult Fail(string reason, string detail, AuthenticationProperties? properties) =>
        HandleRequestResult.Fail(new OidcSignInFailure(reason, detail), properties);

    private static string RandomValue() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>A provider's error code as it may be written to the audit log: short, no control characters.</summary>
    private static string Printable(string? value)
    {
        var text = new string((value ?? "").Where(c => !char.IsControl(c)).Take(80).ToArray());
        return text.Length == 0 ? "unknown" : text;
    }
}
