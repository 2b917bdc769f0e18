using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace VpnPortal.Web.Features.Account.Oidc;

/// <summary>The outcome of checking an id_token: the identity it proves, or why it proves nothing.</summary>
public sealed record IdTokenValidation(ClaimsIdentity? Identity, string? Problem)
{
    public static IdTokenValidation Refused(string problem) => new(null, problem);
}

/// <summary>
/// Checks an id_token as OpenID Connect Core 3.1.3.7 asks: signed (asymmetric algorithms only, never "none") by a key
/// the provider publishes, issued by the configured issuer for this client, within its lifetime (small clock skew),
/// carrying the nonce this browser's sign-in request sent, and a subject.
/// </summary>
public sealed class IdTokenValidator(OidcProviderMetadata metadata, IOptions<OidcOptions> options, TimeProvider time)
{
    // No HMAC: the client secret is shared with the provider and must not be able to mint identities.
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<IdTokenValidation> ValidateAsync(string idToken, string expectedNonce, CancellationToken ct)
    {
        var configuration = await metadata.GetAsync(ct);
        if (!string.Equals(configuration.Issuer?.TrimEnd('/'), options.Value.Authority!.TrimEnd('/'), StringComparison.Ordinal))
        {
            return IdTokenValidation.Refused("the provider's discovery document names another issuer than the configured authority");
        }

        var result = await _handler.ValidateTokenAsync(idToken, Parameters(configuration));
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The provider may have rolled its keys over since the portal fetched them: fetch again, once.
            metadata.RequestRefresh();
            var refreshed = await metadata.GetAsync(ct);
            if (!ReferenceEquals(refreshed, configuration))
            {
                result = await _handler.ValidateTokenAsync(idToken, Parameters(refreshed));
            }
        }

        if (!result.IsValid)
        {
            return IdTokenValidation.Refused(Describe(result.Exception));
        }

        var identity = result.ClaimsIdentity;
        var audiences = identity.FindAll(JwtRegisteredClaimNames.Aud).Select(c => c.Value).ToList();
        var azp = identity.FindFirst(JwtRegisteredClaimNames.Azp)?.Value;
        var clientId = options.Value.ClientId!;
        if ((audiences.Count > 1 || azp is not null) && azp != clientId)
        {
            return IdTokenValidation.Refused("the token was issued to another party (azp)");
        }

        var nonce = identity.FindFirst(JwtRegisteredClaimNames.Nonce)?.Value;
        if (nonce is null)
        {
            return IdTokenValidation.Refused("the token carries no nonce");
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(nonce), Encoding.UTF8.GetBytes(expectedNonce)))
        {
            return IdTokenValidation.Refused("the token's nonce is not the one this sign-in sent (replayed or mixed up)");
        }

        return string.IsNullOrEmpty(identity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value)
            ? IdTokenValidation.Refused("the token has no subject")
            : new IdTokenValidation(identity, null);
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration)
    {
        var o = options.Value;
        return new TokenValidationParameters
        {
            // Only the configured authority; a discovery document naming another issuer is refused before this
            // (OpenID Connect Discovery 4.3), so its tokens never become acceptable.
            ValidIssuer = o.Authority!.TrimEnd('/'),
            IssuerValidator = (issuer, _, p) =>
                string.Equals(issuer.TrimEnd('/'), p.ValidIssuer, StringComparison.Ordinal)
                    ? issuer
                    : throw new SecurityTokenInvalidIssuerException("The token's issuer is not the configured authority."),
            ValidAudience = o.ClientId,
            ValidateAudience = true,
            IssuerSigningKeys = configuration.SigningKeys,
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
    }

    /// <summary>Why a token was refused, in words for the audit log (never the token or its claims).</summary>
    private static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenExpiredException or SecurityTokenNotYetValidException or SecurityTokenNoExpirationException or SecurityTokenInvalidLifetimeException => "the token is expired or not yet valid",
        SecurityTokenInvalidAudienceException => "the token was issued for another client (audience)",
        SecurityTokenInvalidIssuerException => "the token was issued by another issuer",
        SecurityTokenSignatureKeyNotFoundException => "the token is signed with a key the provider does not publish",
        SecurityTokenInvalidAlgorithmException => "the token's signing algorithm is not allowed",
        SecurityTokenInvalidSignatureException => "the token's signature is not valid",
        SecurityTokenMalformedException or ArgumentException => "the token is malformed",
        null => "the token is not valid",
        _ => $"the token is not valid ({ex.GetType().Name})",
    };
}
