using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;

namespace VpnPortal.Web.Security;

/// <summary>Authenticates "Authorization: Bearer vpk_..." against the hashed keys in the database.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PortalDbContext db,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var key = header["Bearer ".Length..].Trim();
        if (!key.StartsWith(ApiKeySecrets.KeyPrefix, StringComparison.Ordinal) || key.Length > 100)
        {
            return AuthenticateResult.Fail("Not a VpnPortal API key.");
        }

        var hash = ApiKeySecrets.Hash(key);
        var apiKey = await db.ApiKeys.Include(k => k.User).FirstOrDefaultAsync(k => k.KeyHash == hash, Context.RequestAborted);
        var now = time.GetUtcNow();
        if (apiKey?.User is null || apiKey.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        if (apiKey.ExpiresAt <= now)
        {
            return AuthenticateResult.Fail("The API key expired; its owner can create a new one under API keys.");
        }

        var user = apiKey.User;
        if (user.IsDisabled || user.LockoutEnd > now)
        {
            return AuthenticateResult.Fail("The key's user is disabled or locked out.");
        }

        var roles = await db.UserRoles.Where(ur => ur.UserId == user.Id)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
            .ToListAsync(Context.RequestAborted);

        if (apiKey.LastUsedAt is null || now - apiKey.LastUsedAt > LastUsedResolution)
        {
            // Bookkeeping, not an admin change: written without the audit actor on purpose. Conditional, so requests
            // arriving together write it once.
            var staleBefore = now - LastUsedResolution;
            await db.ApiKeys.Where(k => k.Id == apiKey.Id && (k.LastUsedAt == null || k.LastUsedAt < staleBefore))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.UserName ?? user.Id.ToString()),
            new(CurrentActor.ApiKeyNameClaim, apiKey.Name),
        };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"VpnPortal API\"";
        return Task.CompletedTask;
    }
}
