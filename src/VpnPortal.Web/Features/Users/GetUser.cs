using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;

namespace VpnPortal.Web.Features.Users;

/// <summary>One account as the admin's detail page shows it, with the concurrency stamp its edits are checked against.</summary>
public sealed class GetUser(PortalDbContext db, TimeProvider time)
{
    public sealed record Detail(
        Guid Id,
        string Email,
        string DisplayName,
        string? UserPrincipalName,
        IReadOnlyList<string> Roles,
        bool IsDisabled,
        DateTimeOffset? LockedOutUntil,
        int FailedSignIns,
        bool TwoFactorEnabled,
        DateTimeOffset CreatedAt,
        DateTimeOffset? LastSignInAt,
        string ConcurrencyStamp);

    public async Task<Detail?> RunAsync(Guid id, CancellationToken ct = default)
    {
        var u = await db.Users.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (u is null)
        {
            return null;
        }

        var roles = await db.UserRoles.AsNoTracking().Where(ur => ur.UserId == id)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        return new Detail(
            u.Id,
            u.Email ?? "",
            u.DisplayName,
            u.UserPrincipalName,
            ListUsers.OrderRoles(roles),
            u.IsDisabled,
            u.LockoutEnd > now ? u.LockoutEnd : null,
            u.AccessFailedCount,
            u.TwoFactorEnabled,
            u.CreatedAt,
            u.LastSignInAt,
            u.ConcurrencyStamp ?? "");
    }
}
