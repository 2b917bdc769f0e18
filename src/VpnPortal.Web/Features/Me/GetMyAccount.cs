using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;

namespace VpnPortal.Web.Features.Me;

/// <summary>A person's own account as their account page shows it: profile, roles and how many API keys still work.</summary>
public sealed class GetMyAccount(PortalDbContext db, TimeProvider time)
{
    public sealed record Profile(string DisplayName, string? Email, bool TwoFactorEnabled, List<string> Roles, int ActiveKeys, bool MfaReRegistrationRequired);

    public async Task<Profile?> RunAsync(Guid userId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var u = await db.Users.AsNoTracking().FirstOrDefaultAsync(x => x.Id == userId, ct);
        if (u is null)
        {
            return null;
        }

        var roles = await db.UserRoles.Where(ur => ur.UserId == userId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync(ct);
        var keys = await db.ApiKeys.CountAsync(k => k.UserId == userId && k.RevokedAt == null && k.ExpiresAt > now, ct);
        return new Profile(u.DisplayName, u.Email, u.TwoFactorEnabled, roles, keys, u.MfaReRegistrationRequired);
    }
}
