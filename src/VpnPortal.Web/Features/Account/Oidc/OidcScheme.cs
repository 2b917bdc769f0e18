using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using VpnPortal.Data;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Account.Oidc;

/// <summary>A sign-in the provider's answer did not allow; <see cref="Reason"/> is a short code for the page and the audit log.</summary>
public sealed class OidcSignInFailure(string reason, string detail) : Exception(detail)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// The framework's OpenID Connect handler as the portal uses it: the authorization code flow with PKCE and
/// <c>response_mode=query</c>, the nonce and correlation cookies, discovery and key rollover. What the portal adds is
/// stricter than the handler's defaults: the id_token must be signed (asymmetric algorithms only) even from the token
/// endpoint, come from exactly the configured issuer, and carry this sign-in's nonce; a provider that names itself in
/// the response (RFC 9207) must be that issuer. Only the id_token's claims are used, never the userinfo endpoint.
/// </summary>
public static class OidcScheme
{
    public const string Name = "oidc";
    public const string IdTokenName = OpenIdConnectParameterNames.IdToken;

    // No HMAC: the client secret is shared with the provider and must not be able to mint identities.
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>The name of the HTTP client that reads discovery documents and keys.</summary>
    public const string MetadataClientName = "oidc-metadata";

    /// <summary>The client assertion's type (RFC 7523), for an app registration that authenticates with a certificate.</summary>
    public const string JwtBearerAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static void Configure(OpenIdConnectOptions scheme, OidcOptions o, IHttpClientFactory http, TimeProvider time)
    {
        var issuer = o.EffectiveAuthority!;
        scheme.Authority = issuer;
        scheme.MetadataAddress = null;
        scheme.ClientId = o.ClientId;
        scheme.ClientSecret = o.ClientSecret;
        scheme.CallbackPath = o.CallbackPath;
        scheme.SignInScheme = IdentityConstants.ExternalScheme;
        scheme.ResponseType = OpenIdConnectResponseType.Code;
        scheme.ResponseMode = OpenIdConnectResponseMode.Query;
        scheme.UsePkce = true;
        // The state stays in the browser's redirect, where the correlation cookie binds it to this browser.
        scheme.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Disable;
        scheme.SaveTokens = true;
        scheme.GetClaimsFromUserInfoEndpoint = false;
        scheme.MapInboundClaims = false;
        scheme.DisableTelemetry = true;
        scheme.RequireHttpsMetadata = o.RequireHttpsMetadata;
        // Front-channel sign-out requests from the provider are not taken: a GET must not end a session.
        scheme.RemoteSignOutPath = PathString.Empty;
        scheme.Scope.Clear();
        foreach (var s in o.EffectiveScopes)
        {
            scheme.Scope.Add(s);
        }

        // The account rules read the issuer from the identity; the handler's default claim actions would delete it.
        scheme.ClaimActions.Remove(JwtRegisteredClaimNames.Iss);

        // The provider sends the browser back with a top-level GET: Lax is enough and works without HTTPS on loopback.
        scheme.CorrelationCookie.SameSite = SameSiteMode.Lax;
        scheme.NonceCookie.SameSite = SameSiteMode.Lax;
        scheme.RemoteAuthenticationTimeout = TimeSpan.FromMinutes(10);
        scheme.ProtocolValidator.NonceLifetime = scheme.RemoteAuthenticationTimeout;

        var retriever = new HttpDocumentRetriever(http.CreateClient(MetadataClientName)) { RequireHttps = o.RequireHttpsMetadata };
        scheme.ConfigurationManager = new ProviderConfiguration($"{issuer}/.well-known/openid-configuration", retriever, o.KeyRefreshMinimumInterval, TimeProvider.System);
        scheme.TokenHandler = new SignedTokenHandler { MapInboundClaims = false };
        scheme.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            // Exactly the configured authority (a trailing slash aside); the discovery document must name it too.
            IssuerValidator = (tokenIssuer, _, _) =>
                string.Equals(tokenIssuer.TrimEnd('/'), issuer, StringComparison.Ordinal)
                    ? tokenIssuer
                    : throw new SecurityTokenInvalidIssuerException("The token's issuer is not the configured authority."),
            ValidAudience = o.ClientId,
            ValidateAudience = true,
            RequireSignedTokens = true,
            ValidAlgorithms = Algorithms,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = o.ClockSkew,
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                // Arithmetic on "now" only: the handler passes DateTime.MinValue for an absent nbf.
                return expires is { } exp && now.Subtract(p.ClockSkew) <= exp && (notBefore is not { } nbf || now.Add(p.ClockSkew) >= nbf)
                    ? true
                    : throw new SecurityTokenExpiredException("The token is outside its lifetime.");
            },
            NameClaimType = o.Claims.Name,
            RoleClaimType = o.Claims.Roles,
        };

        // Set one by one: Identity.Web has put its own handler on the redirect to Entra ID (its version, login and domain hints).
        var certificate = o.UsesCertificate ? LoadCertificate(o) : null;
        scheme.Events.OnAuthorizationCodeReceived = certificate is null ? CheckIssuerAsync : context => RedeemWithCertificateAsync(context, certificate);
        scheme.Events.OnTokenResponseReceived = RequireIdToken;
        scheme.Events.OnTokenValidated = o.UsesEntra ? context => CheckEntraToken(context, o.EntraDirectory.TenantId) : CheckToken;
        scheme.Events.OnTicketReceived = TicketReceivedAsync;
        scheme.Events.OnRemoteFailure = RemoteFailureAsync;
    }

    private static X509Certificate2 LoadCertificate(OidcOptions o)
    {
        // The options were validated at start, so a problem here means the file or the store changed since.
        var loaded = ClientCertificates.Load(OidcOptions.Section, o.ClientCertificatePath, o.ClientCertificatePassword, o.ClientCertificateThumbprint);
        return loaded.Certificate ?? throw new InvalidOperationException(loaded.Problem);
    }

    /// <summary>
    /// The code is redeemed with a client assertion signed by the app registration's certificate (RFC 7523, as Entra ID
    /// takes it: x5t#S256 names the certificate, PS256), instead of a secret.
    /// </summary>
    private static async Task RedeemWithCertificateAsync(AuthorizationCodeReceivedContext context, X509Certificate2 certificate)
    {
        await CheckIssuerAsync(context);
        if (context.Result is not null)
        {
            return;
        }

        var configuration = await context.Options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
        var request = context.TokenEndpointRequest!;
        request.ClientSecret = null;
        request.ClientAssertionType = JwtBearerAssertion;
        request.ClientAssertion = ClientAssertion(certificate, context.Options.ClientId!, configuration.TokenEndpoint);
    }

    /// <summary>A short-lived JWT that proves the portal holds the certificate's private key, for one token request.</summary>
    public static string ClientAssertion(X509Certificate2 certificate, string clientId, string tokenEndpoint)
    {
        var thumbprint = Base64UrlEncoder.Encode(certificate.GetCertHash(HashAlgorithmName.SHA256));
        var key = new RsaSecurityKey(certificate.GetRSAPrivateKey()) { KeyId = thumbprint };
        // The provider checks the assertion against its own clock: the real one, never the portal's business clock.
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = tokenEndpoint,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = clientId,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
            },
            AdditionalHeaderClaims = new Dictionary<string, object> { ["x5t#S256"] = thumbprint },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSsaPssSha256),
        });
    }

    /// <summary>Before the code is sent anywhere: the discovery document and the response must both name the configured issuer.</summary>
    private static async Task CheckIssuerAsync(AuthorizationCodeReceivedContext context)
    {
        var issuer = context.Options.Authority!;
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await context.Options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
        }
        catch (InvalidOperationException e)
        {
            context.Fail(new OidcSignInFailure(OidcFailures.ProviderUnavailable, $"the provider's discovery document could not be read ({e.GetType().Name})"));
            return;
        }

        // OpenID Connect Discovery 4.3: a document naming another issuer is refused, so its tokens never become acceptable.
        if (!string.Equals(configuration.Issuer?.TrimEnd('/'), issuer, StringComparison.Ordinal))
        {
            context.Fail(new OidcSignInFailure(OidcFailures.BadToken, "the provider's discovery document names another issuer than the configured authority"));
            return;
        }

        // RFC 9207: a provider that names itself in the response must be the one this sign-in went to (mix-up defence).
        var named = context.ProtocolMessage.Iss;
        if (!string.IsNullOrEmpty(named) && !string.Equals(named.TrimEnd('/'), issuer, StringComparison.Ordinal))
        {
            context.Fail(new OidcSignInFailure(OidcFailures.BadToken, "the response names another issuer"));
        }
    }

    private static Task RequireIdToken(TokenResponseReceivedContext context)
    {
        if (string.IsNullOrEmpty(context.TokenEndpointResponse.IdToken))
        {
            context.Fail(new OidcSignInFailure(OidcFailures.NoIdToken, "the token endpoint's answer has no id_token"));
        }

        return Task.CompletedTask;
    }

    /// <summary>What the handler's protocol validator would refuse too, checked first so the audit log says why.</summary>
    private static Task CheckToken(TokenValidatedContext context)
    {
        var token = context.SecurityToken;
        var clientId = context.Options.ClientId;
        if ((token.Audiences.Count() > 1 || token.Payload.Azp is not null) && token.Payload.Azp != clientId)
        {
            context.Fail(new OidcSignInFailure(OidcFailures.BadToken, "the token was issued to another party (azp)"));
        }
        else if (token.Payload.Nonce is null)
        {
            context.Fail(new OidcSignInFailure(OidcFailures.BadToken, "the token carries no nonce"));
        }
        else if (context.Nonce is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.Nonce), Encoding.UTF8.GetBytes(token.Payload.Nonce)))
        {
            // The handler finds the nonce cookie by the token's nonce: none means this browser never sent that nonce.
            context.Fail(new OidcSignInFailure(OidcFailures.BadToken, "the token's nonce is not the one this sign-in sent (replayed or mixed up)"));
        }
        else if (string.IsNullOrEmpty(token.Subject))
        {
            context.Fail(new OidcSignInFailure(OidcFailures.BadToken, "the token has no subject"));
        }

        return Task.CompletedTask;
    }

    /// <summary>Entra ID's rule on top of the others: the token names the portal's directory (tid), as its issuer does.</summary>
    private static async Task CheckEntraToken(TokenValidatedContext context, string tenantId)
    {
        await CheckToken(context);
        if (context.Result is null && !string.Equals(context.SecurityToken.Payload.TryGetValue("tid", out var tid) ? tid?.ToString() : null, tenantId, StringComparison.OrdinalIgnoreCase))
        {
            context.Fail(new OidcSignInFailure(OidcFailures.BadToken, "the token is not from the portal's Entra ID directory (tid)"));
        }
    }

    private static async Task TicketReceivedAsync(TicketReceivedContext context)
    {
        var http = context.HttpContext;
        var idToken = context.Properties?.GetTokenValue(IdTokenName) ?? "";
        var result = await http.RequestServices.GetRequiredService<OidcSignIn>().SignInAsync(context.Principal!, idToken, http.RequestAborted);
        context.HandleResponse();
        if (result.User is null)
        {
            await RefuseAsync(http, result.Refusal!, result.Detail!);
            return;
        }

        http.Response.Redirect(LocalReturnUrl.Or(context.ReturnUri, "/"));
    }

    private static async Task RemoteFailureAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        var (reason, detail) = Explain(context.Failure);
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcScheme));
        logger.LogWarning("Organisation sign-in refused: {Reason}: {Detail}", reason, detail);
        await RefuseAsync(context.HttpContext, reason, detail);
    }

    /// <summary>Records a refused sign-in and sends the person to the page that says why.</summary>
    public static async Task RefuseAsync(HttpContext http, string reason, string detail)
    {
        var services = http.RequestServices;
        var db = services.GetRequiredService<PortalDbContext>();
        var provider = services.GetRequiredService<IOptions<OidcOptions>>().Value.DisplayName;
        db.ChangeTracker.Clear();
        db.Audit("account.sign-in-failed", $"Failed sign-in with {provider} ({Name}): {reason}: {detail}");
        await db.SaveChangesAsync(http.RequestAborted);
        http.Response.Redirect(OidcFailures.PagePath(reason));
    }

    /// <summary>Why the handler refused a sign-in: a reason code and words for the audit log (never a token or its claims).</summary>
    public static (string Reason, string Detail) Explain(Exception? failure) => failure switch
    {
        OidcSignInFailure f => (f.Reason, f.Message),
        // IdentityModel's malformed-token exception is an ArgumentException, not a SecurityTokenException.
        ArgumentException => (OidcFailures.BadToken, "the token is malformed"),
        SecurityTokenException e => (OidcFailures.BadToken, Describe(e)),
        OpenIdConnectProtocolException e when e.Data["error"] is string error => (OidcFailures.ProviderError, $"the provider answered '{Printable(error)}'"),
        OpenIdConnectProtocolException e => (OidcFailures.ProviderError, $"the provider's answer was not usable ({Printable(e.Message)})"),
        // The handler's own refusals of the callback: no or unreadable state, no correlation cookie for it.
        AuthenticationFailureException e => (OidcFailures.BadState, $"the sign-in was not started in this browser or has expired ({Printable(e.Message)})"),
        InvalidOperationException or HttpRequestException or IOException => (OidcFailures.ProviderUnavailable, "the provider could not be reached"),
        null => (OidcFailures.BadState, "unknown failure"),
        _ => (OidcFailures.ProviderError, $"the sign-in failed ({failure.GetType().Name})"),
    };

    /// <summary>Why a token was refused, in words for the audit log.</summary>
    private static string Describe(SecurityTokenException ex) => ex switch
    {
        SecurityTokenExpiredException or SecurityTokenNotYetValidException or SecurityTokenNoExpirationException or SecurityTokenInvalidLifetimeException => "the token is expired or not yet valid",
        SecurityTokenInvalidAudienceException => "the token was issued for another client (audience)",
        SecurityTokenInvalidIssuerException => "the token was issued by another issuer",
        SecurityTokenSignatureKeyNotFoundException => "the token is signed with a key the provider does not publish",
        SecurityTokenInvalidAlgorithmException => "the token's signing algorithm is not allowed",
        SecurityTokenInvalidSignatureException => "the token's signature is not valid",
        _ => $"the token is not valid ({ex.GetType().Name})",
    };

    /// <summary>A provider's word as it may be written to the audit log: short, no control characters.</summary>
    private static string Printable(string? value)
    {
        var text = new string((value ?? "").Where(c => !char.IsControl(c)).Take(80).ToArray());
        return text.Length == 0 ? "unknown" : text;
    }

    /// <summary>
    /// The handler skips the signature requirement for an id_token from the token endpoint (OpenID Connect Core 3.1.3.7
    /// allows it over TLS); the portal does not: an unsigned token is refused wherever it comes from.
    /// </summary>
    private sealed class SignedTokenHandler : JsonWebTokenHandler
    {
        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            var strict = validationParameters.Clone();
            strict.RequireSignedTokens = true;
            return base.ValidateTokenAsync(token, strict);
        }
    }
}
