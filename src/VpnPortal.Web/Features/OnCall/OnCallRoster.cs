using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.OnCall;
using VpnPortal.Web.Features.Notifications;

namespace VpnPortal.Web.Features.OnCall;

/// <summary>
/// The rota from the database, evaluated by <see cref="OnCallSchedule"/>. Only enabled users who hold the OnCall role
/// count: a member who loses the role or is disabled drops out of the rotation and the turns close up.
/// </summary>
public sealed class OnCallRoster : IOnCallRoster
{
    /// <summary>Overrides further ahead than this cannot change who is "next".</summary>
    private static readonly TimeSpan LookAhead = TimeSpan.FromDays(90);

    public async Task<OnCallNow> AtAsync(PortalDbContext db, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var state = await LoadAsync(db, at, cancellationToken);
        var shift = state.Shift;
        var everyone = new List<Guid>();
        foreach (var id in new[] { shift.Primary, shift.Next }.OfType<Guid>().Concat(state.Rotation.Members).Concat(state.OnCallUsers.Keys))
        {
            if (!everyone.Contains(id))
            {
                everyone.Add(id);
            }
        }

        return new OnCallNow(shift.Primary, shift.Next, everyone);
    }

    /// <summary>The rota, overrides and OnCall users as of an instant, and the shift they give.</summary>
    public sealed record RosterState(
        OnCallRotation Row,
        Rotation Rotation,
        IReadOnlyList<OnCallOverride> Overrides,
        IReadOnlyDictionary<Guid, string> OnCallUsers,
        OnCallShift Shift,
        bool TimeZoneKnown);

    public static async Task<RosterState> LoadAsync(PortalDbContext db, DateTimeOffset at, CancellationToken ct)
    {
        var row = await db.OnCallRotations.AsNoTracking().FirstOrDefaultAsync(r => r.Id == OnCallRotation.SingletonId, ct)
            ?? new OnCallRotation { Id = OnCallRotation.SingletonId, StartsOn = DateOnly.FromDateTime(at.UtcDateTime) };
        var onCallUsers = await OnCallUsersAsync(db, ct);
        var horizon = at + LookAhead;
        var overrides = await db.OnCallOverrides.AsNoTracking()
            .Where(o => o.EndsAt > at && o.StartsAt < horizon)
            .OrderBy(o => o.StartsAt)
            .ToListAsync(ct);
        var known = TimeZoneInfo.TryFindSystemTimeZoneById(row.TimeZoneId, out var zone);
        var rotation = new Rotation(
            row.MemberUserIds.Where(onCallUsers.ContainsKey).ToList(),
            row.HandOverDay,
            row.HandOverTime,
            known ? zone! : TimeZoneInfo.Utc,
            row.StartsOn);
        var covers = overrides.Where(o => onCallUsers.ContainsKey(o.UserId))
            .Select(o => new CoverOverride(o.Id, o.UserId, o.StartsAt, o.EndsAt, o.CreatedAt))
            .ToList();
        return new RosterState(row, rotation, overrides, onCallUsers, OnCallSchedule.At(rotation, covers, at), known);
    }

    /// <summary>Enabled users with the OnCall role, by display name.</summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> OnCallUsersAsync(PortalDbContext db, CancellationToken ct)
    {
        var users = await db.UserRoles
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .Where(x => x.Name == Roles.OnCall)
            .Join(db.Users, x => x.UserId, u => u.Id, (_, u) => u)
            .Where(u => !u.IsDisabled)
            .Select(u => new { u.Id, u.DisplayName, u.Email })
            .ToListAsync(ct);
        var ordered = new Dictionary<Guid, string>();
        foreach (var u in users.OrderBy(u => u.DisplayName, StringComparer.OrdinalIgnoreCase))
        {
            ordered[u.Id] = string.IsNullOrWhiteSpace(u.DisplayName) ? u.Email ?? u.Id.ToString() : u.DisplayName;
        }

        return ordered;
    }
}
