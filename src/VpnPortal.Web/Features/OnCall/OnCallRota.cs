using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.OnCall;

/// <summary>Who is asking: OnCall users may add and remove only their own overrides; admins edit everything.</summary>
public sealed record RotaCaller(Guid UserId, bool IsAdmin);

/// <summary>The rota page's reads and changes. Every change is audited through the entities' [Audited] and refused with a reason when wrong.</summary>
public sealed class OnCallRota(PortalDbContext db, TimeProvider time)
{
    public const int MaxMembers = 50;
    public static readonly TimeSpan MaxOverride = TimeSpan.FromDays(31);

    public sealed record Person(Guid Id, string Name);

    public sealed record OverrideRow(Guid Id, Guid UserId, string UserName, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Reason, bool Active, Guid Version);

    public sealed record View(
        Person? Now,
        Person? Scheduled,
        DateTimeOffset? Until,
        Person? Next,
        DateTimeOffset? NextFrom,
        DateTimeOffset? NextHandOver,
        IReadOnlyList<Person> Members,
        IReadOnlyList<Person> OnCallUsers,
        DayOfWeek HandOverDay,
        TimeOnly HandOverTime,
        string TimeZoneId,
        bool TimeZoneKnown,
        DateOnly StartsOn,
        IReadOnlyList<OverrideRow> Overrides,
        Guid? Version);

    public sealed record RotationInput(IReadOnlyList<Guid> Members, DayOfWeek HandOverDay, TimeOnly HandOverTime, string? TimeZoneId, DateOnly StartsOn, Guid? Version);

    public sealed record OverrideInput(Guid UserId, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Reason);

    public async Task<View> GetAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var state = await OnCallRoster.LoadAsync(db, now, ct);
        var names = new Dictionary<Guid, string>(state.OnCallUsers);
        var missing = state.Row.MemberUserIds.Concat(state.Overrides.Select(o => o.UserId)).Where(id => !names.ContainsKey(id)).Distinct().ToList();
        foreach (var u in await db.Users.AsNoTracking().Where(u => missing.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct))
        {
            names[u.Id] = $"{u.DisplayName} (not on call)";
        }

        Person? P(Guid? id) => id is { } i ? new Person(i, names.GetValueOrDefault(i, "removed user")) : null;
        var shift = state.Shift;
        var stored = await db.OnCallRotations.AsNoTracking().AnyAsync(r => r.Id == OnCallRotation.SingletonId, ct);
        return new View(
            P(shift.Primary), P(shift.Scheduled), shift.Until, P(shift.Next), shift.NextFrom, shift.NextHandOver,
            state.Row.MemberUserIds.Select(id => P(id)!).ToList(),
            state.OnCallUsers.Select(u => new Person(u.Key, u.Value)).ToList(),
            state.Row.HandOverDay, state.Row.HandOverTime, state.Row.TimeZoneId, state.TimeZoneKnown, state.Row.StartsOn,
            state.Overrides.Select(o => new OverrideRow(o.Id, o.UserId, names.GetValueOrDefault(o.UserId, "removed user"), o.StartsAt, o.EndsAt, o.Reason, o.StartsAt <= now && now < o.EndsAt, o.Version)).ToList(),
            stored ? state.Row.Version : null);
    }

    /// <summary>Saves the rotation order, hand-over and zone (admins). <paramref name="input"/>'s Version is what the admin saw; null for a rota never saved.</summary>
    public async Task<CommandResult> SaveRotationAsync(RotationInput input, RotaCaller caller, CancellationToken ct = default)
    {
        if (!caller.IsAdmin)
        {
            return CommandResult.Invalid("", "Only admins change the rotation.");
        }

        var errors = new Dictionary<string, string>();
        var zoneId = input.TimeZoneId?.Trim() ?? "";
        if (zoneId.Length == 0 || zoneId.Length > NotificationLimits.TimeZoneId || !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out _))
        {
            errors["TimeZoneId"] = $"\"{input.TimeZoneId}\" is not a time zone this server knows; use an IANA name such as Europe/London.";
        }

        if (input.Members.Count > MaxMembers)
        {
            errors["Members"] = $"A rotation has at most {MaxMembers} people.";
        }
        else if (input.Members.Distinct().Count() != input.Members.Count)
        {
            errors["Members"] = "Each person appears once in the rotation.";
        }
        else
        {
            var onCall = await OnCallRoster.OnCallUsersAsync(db, ct);
            var notOnCall = input.Members.Where(id => !onCall.ContainsKey(id)).ToList();
            if (notOnCall.Count > 0)
            {
                errors["Members"] = "Only enabled users with the OnCall role can be in the rotation; give them the role first.";
            }
        }

        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        var row = await db.OnCallRotations.FirstOrDefaultAsync(r => r.Id == OnCallRotation.SingletonId, ct);
        if (row is null)
        {
            if (input.Version is not null)
            {
                return CommandResult.Conflict();
            }

            row = new OnCallRotation { Id = OnCallRotation.SingletonId };
            db.OnCallRotations.Add(row);
        }
        else
        {
            if (input.Version is not { } seen)
            {
                return CommandResult.Conflict();
            }

            db.Entry(row).Property(r => r.Version).OriginalValue = seen;
        }

        row.MemberUserIds = input.Members.ToList();
        row.HandOverDay = input.HandOverDay;
        row.HandOverTime = input.HandOverTime;
        row.TimeZoneId = zoneId;
        row.StartsOn = input.StartsOn;
        return await CommandResult.SaveAsync(db, () => CommandResult.Ok(row.Id, row.Version), ct);
    }

    public async Task<CommandResult> AddOverrideAsync(OverrideInput input, RotaCaller caller, CancellationToken ct = default)
    {
        if (!caller.IsAdmin && input.UserId != caller.UserId)
        {
            return CommandResult.Invalid("UserId", "You can add cover only for yourself; ask an admin to arrange cover by someone else.");
        }

        var errors = new Dictionary<string, string>();
        var onCall = await OnCallRoster.OnCallUsersAsync(db, ct);
        if (!onCall.ContainsKey(input.UserId))
        {
            errors["UserId"] = "Only enabled users with the OnCall role can cover.";
        }

        var now = time.GetUtcNow();
        if (input.StartsAt is not { } starts || input.EndsAt is not { } ends)
        {
            errors["StartsAt"] = "Give when the cover starts and ends.";
        }
        else if (ends <= starts)
        {
            errors["EndsAt"] = "The cover must end after it starts.";
        }
        else if (ends - starts > MaxOverride)
        {
            errors["EndsAt"] = $"A cover lasts at most {MaxOverride.TotalDays:0} days; change the rotation for longer.";
        }
        else if (ends <= now)
        {
            errors["EndsAt"] = "That cover is already over.";
        }

        var reason = string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim();
        if (reason?.Length > FieldLimits.Notes)
        {
            errors["Reason"] = $"The reason has at most {FieldLimits.Notes} characters.";
        }

        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        var row = new OnCallOverride
        {
            Id = Guid.NewGuid(),
            UserId = input.UserId,
            StartsAt = input.StartsAt!.Value.ToUniversalTime(),
            EndsAt = input.EndsAt!.Value.ToUniversalTime(),
            Reason = reason,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
        };
        db.OnCallOverrides.Add(row);
        return await CommandResult.SaveAsync(db, () => CommandResult.Ok(row.Id, row.Version), ct);
    }

    public async Task<CommandResult> RemoveOverrideAsync(Guid id, Guid? version, RotaCaller caller, CancellationToken ct = default)
    {
        var row = await db.OnCallOverrides.FirstOrDefaultAsync(o => o.Id == id, ct);
        if (row is null)
        {
            return CommandResult.NotFound("That cover no longer exists; someone may have removed it.");
        }

        if (!caller.IsAdmin && row.UserId != caller.UserId)
        {
            return CommandResult.Forbidden("You can remove only your own cover.");
        }

        if (version is { } seen)
        {
            db.Entry(row).Property(o => o.Version).OriginalValue = seen;
        }

        db.OnCallOverrides.Remove(row);
        return await CommandResult.SaveAsync(db, () => CommandResult.Ok(id), ct);
    }

    /// <summary>Time zone ids for a picker: the system's IANA ids.</summary>
    public static IReadOnlyList<string> TimeZoneIds() =>
        TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(id => id.Contains('/') || id == "UTC").Order(StringComparer.Ordinal).ToList();
}
