using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Components.Grids;

namespace VpnPortal.Web.Features.Users;

/// <summary>Accounts for the users page and the API: search, filter by role and status, page. Never secrets.</summary>
public sealed class ListUsers(PortalDbContext db, TimeProvider time)
{
    public enum UserStatus
    {
        Any,
        Active,
        Disabled,
        LockedOut,
    }

    public sealed record Query(
        string? Search = null,
        string? Role = null,
        UserStatus Status = UserStatus.Any,
        int Skip = 0,
        int Take = 50,
        IReadOnlyList<SortBy>? Sorts = null);

    /// <summary>The columns the list sorts by, named as <see cref="UserRow"/>'s properties; by e-mail address otherwise.</summary>
    public static readonly SortMap<PortalUser> Sorting = new SortMap<PortalUser>(nameof(UserRow.Email), defaultDescending: false)
        .Add(nameof(UserRow.Email), u => u.NormalizedEmail)
        .Add(nameof(UserRow.DisplayName), u => u.DisplayName)
        .Add(nameof(UserRow.TwoFactorEnabled), u => u.TwoFactorEnabled)
        .Add(nameof(UserRow.CreatedAt), u => u.CreatedAt)
        .Add(nameof(UserRow.LastSignInAt), u => u.LastSignInAt)
        .TieBreak(u => u.Id);

    /// <summary>What a list may show of an account: no password hash, security stamp or phone number.</summary>
    public sealed record UserRow(
        Guid Id,
        string Email,
        string DisplayName,
        IReadOnlyList<string> Roles,
        bool IsDisabled,
        DateTimeOffset? LockedOutUntil,
        bool TwoFactorEnabled,
        DateTimeOffset CreatedAt,
        DateTimeOffset? LastSignInAt);

    public sealed record UserPage(IReadOnlyList<UserRow> Items, int Total, int Skip, int Take);

    public const int MaxTake = 500;

    public async Task<UserPage> RunAsync(Query q, CancellationToken ct = default)
    {
        var take = Math.Clamp(q.Take, 1, MaxTake);
        var skip = Math.Max(0, q.Skip);
        var now = time.GetUtcNow();
        var query = db.Users.AsNoTracking();

        if (!string.IsNullOrWhiteSpace(q.Search))
        {
            var term = q.Search.Trim().ToUpperInvariant();
            query = query.Where(u => u.NormalizedEmail!.Contains(term) || u.DisplayName.ToUpper().Contains(term));
        }

        if (!string.IsNullOrWhiteSpace(q.Role))
        {
            var role = q.Role.Trim().ToUpperInvariant();
            query = query.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.NormalizedName == role)));
        }

        query = q.Status switch
        {
            UserStatus.Active => query.Where(u => !u.IsDisabled && (u.LockoutEnd == null || u.LockoutEnd <= now)),
            UserStatus.Disabled => query.Where(u => u.IsDisabled),
            UserStatus.LockedOut => query.Where(u => u.LockoutEnd != null && u.LockoutEnd > now),
            _ => query,
        };

        var total = await query.CountAsync(ct);
        var users = await Sorting.Apply(query, q.Sorts ?? []).Skip(skip).Take(take)
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.IsDisabled, u.LockoutEnd, u.TwoFactorEnabled, u.CreatedAt, u.LastSignInAt })
            .ToListAsync(ct);

        var ids = users.Select(u => u.Id).ToList();
        var links = await db.UserRoles.AsNoTracking().Where(ur => ids.Contains(ur.UserId))
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .ToListAsync(ct);
        var roles = links.ToLookup(l => l.UserId, l => l.Name!);

        var items = users.Select(u => new UserRow(
                u.Id,
                u.Email ?? "",
                u.DisplayName,
                OrderRoles(roles[u.Id]),
                u.IsDisabled,
                u.LockoutEnd > now ? u.LockoutEnd : null,
                u.TwoFactorEnabled,
                u.CreatedAt,
                u.LastSignInAt))
            .ToList();
        return new UserPage(items, total, skip, take);
    }

    /// <summary>Roles in the portal's order (Admin, OnCall, User), not the database's.</summary>
    internal static List<string> OrderRoles(IEnumerable<string> names) =>
        names.OrderBy(n => Data.Roles.All.ToList().IndexOf(n) is var i && i < 0 ? int.MaxValue : i).ThenBy(n => n, StringComparer.Ordinal).ToList();
}
