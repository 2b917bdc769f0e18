namespace VpnPortal.Domain.OnCall;

/// <summary>
/// A weekly rotation: <see cref="Members"/> take turns, each for one week, handing over on <see cref="HandOverDay"/> at
/// <see cref="HandOverTime"/> wall-clock time in <see cref="TimeZone"/>. The first member takes over at the hand-over on
/// <see cref="StartsOn"/> (a date that falls on the hand-over day); weeks before it count backwards through the order.
/// </summary>
public sealed record Rotation(IReadOnlyList<Guid> Members, DayOfWeek HandOverDay, TimeOnly HandOverTime, TimeZoneInfo TimeZone, DateOnly StartsOn);

/// <summary>"I cover Tuesday": <see cref="UserId"/> is on call from <see cref="StartsAt"/> (inclusive) to <see cref="EndsAt"/> (exclusive) instead of the rota.</summary>
public sealed record CoverOverride(Guid Id, Guid UserId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, DateTimeOffset CreatedAt);

/// <summary>
/// Who is on call at an instant: <see cref="Primary"/> until <see cref="Until"/> (the next hand-over or override
/// boundary), then <see cref="Next"/> (the next different person) from <see cref="NextFrom"/>. <see cref="Scheduled"/>
/// is whom the rota names, <see cref="Override"/> the override in force, if any.
/// </summary>
public sealed record OnCallShift(
    Guid? Primary,
    Guid? Scheduled,
    CoverOverride? Override,
    DateTimeOffset? Until,
    Guid? Next,
    DateTimeOffset? NextFrom,
    DateTimeOffset? NextHandOver);

/// <summary>Pure rules of the on-call rota: no clock, no database.</summary>
public static class OnCallSchedule
{
    /// <summary>How far ahead "next" is looked for: one full turn of a long rota plus overrides is far less than this.</summary>
    private const int MaxChangesScanned = 200;

    /// <summary>Whom the rota names for the week that contains <paramref name="at"/>, and that week's hand-over instants.</summary>
    public static (Guid? Member, DateTimeOffset WeekStart, DateTimeOffset WeekEnd) ScheduledAt(Rotation rotation, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, rotation.TimeZone);
        var date = DateOnly.FromDateTime(local.DateTime);
        var back = ((int)date.DayOfWeek - (int)rotation.HandOverDay + 7) % 7;
        var handOverDate = date.AddDays(-back);
        var start = HandOverInstant(rotation, handOverDate);
        if (start > at)
        {
            handOverDate = handOverDate.AddDays(-7);
            start = HandOverInstant(rotation, handOverDate);
        }

        var end = HandOverInstant(rotation, handOverDate.AddDays(7));
        if (rotation.Members.Count == 0)
        {
            return (null, start, end);
        }

        var weeks = FloorDiv(handOverDate.DayNumber - AnchorDate(rotation).DayNumber, 7);
        var index = (int)(((weeks % rotation.Members.Count) + rotation.Members.Count) % rotation.Members.Count);
        return (rotation.Members[index], start, end);
    }

    /// <summary>
    /// The hand-over instant on a local date. A hand-over time the clocks skip (spring forward) happens at the first
    /// instant after the gap; a time that happens twice (fall back) happens the first time, so no week gets an hour twice.
    /// </summary>
    public static DateTimeOffset HandOverInstant(Rotation rotation, DateOnly date)
    {
        var zone = rotation.TimeZone;
        var wall = date.ToDateTime(rotation.HandOverTime, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(wall))
        {
            // The clocks jump forward over this time: move forward minute by minute to the first time that exists.
            var probe = wall;
            while (zone.IsInvalidTime(probe))
            {
                probe = probe.AddMinutes(1);
            }

            return new DateTimeOffset(probe, zone.GetUtcOffset(probe)).ToUniversalTime();
        }

        if (zone.IsAmbiguousTime(wall))
        {
            // Both offsets are valid; the larger one (daylight time) is the earlier instant.
            var offset = zone.GetAmbiguousTimeOffsets(wall).Max();
            return new DateTimeOffset(wall, offset).ToUniversalTime();
        }

        return new DateTimeOffset(wall, zone.GetUtcOffset(wall)).ToUniversalTime();
    }

    /// <summary>
    /// Who is on call at <paramref name="at"/>: an override in force wins over the rota (the most recently created one
    /// when several overlap); the next person is the first different one after the following changes.
    /// </summary>
    public static OnCallShift At(Rotation rotation, IReadOnlyList<CoverOverride> overrides, DateTimeOffset at)
    {
        var (primary, scheduled, active, until) = Slot(rotation, overrides, at);
        var (_, _, weekEnd) = ScheduledAt(rotation, at);
        Guid? next = null;
        DateTimeOffset? nextFrom = null;
        var cursor = until;
        for (var i = 0; i < MaxChangesScanned && cursor is { } from; i++)
        {
            var (who, _, _, end) = Slot(rotation, overrides, from);
            if (who is not null && who != primary)
            {
                next = who;
                nextFrom = from;
                break;
            }

            cursor = end;
        }

        return new OnCallShift(primary, scheduled, active, until, next, nextFrom, rotation.Members.Count == 0 ? null : weekEnd);
    }

    /// <summary>The person on call at an instant, the rota's person, the override in force, and when this slot ends.</summary>
    private static (Guid? Primary, Guid? Scheduled, CoverOverride? Override, DateTimeOffset? Until) Slot(
        Rotation rotation, IReadOnlyList<CoverOverride> overrides, DateTimeOffset at)
    {
        var (scheduled, _, weekEnd) = ScheduledAt(rotation, at);
        var active = overrides
            .Where(o => o.StartsAt <= at && at < o.EndsAt)
            .OrderByDescending(o => o.CreatedAt)
            .ThenByDescending(o => o.StartsAt)
            .FirstOrDefault();

        // The slot ends at the first boundary after now: the week's hand-over or any override starting or ending.
        DateTimeOffset? until = rotation.Members.Count == 0 ? null : weekEnd;
        foreach (var o in overrides)
        {
            foreach (var boundary in new[] { o.StartsAt, o.EndsAt })
            {
                if (boundary > at && (until is null || boundary < until))
                {
                    until = boundary;
                }
            }
        }

        return (active?.UserId ?? scheduled, scheduled, active, until);
    }

    /// <summary>The rotation's anchor moved to the hand-over day on or before <see cref="Rotation.StartsOn"/>.</summary>
    private static DateOnly AnchorDate(Rotation rotation)
    {
        var back = ((int)rotation.StartsOn.DayOfWeek - (int)rotation.HandOverDay + 7) % 7;
        return rotation.StartsOn.AddDays(-back);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
