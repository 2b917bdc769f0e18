namespace VpnPortal.Domain.Alerts;

/// <summary>When an unacknowledged alert repeats and escalates (section "Alerts" of the settings).</summary>
public sealed record EscalationPolicy(TimeSpan RepeatInterval, TimeSpan EscalateToNextAfter, TimeSpan EscalateToEveryoneAfter)
{
    public static readonly EscalationPolicy Default = new(TimeSpan.FromHours(4), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60));
}

/// <summary>Who hears: the primary on-call person, then also the next one, then every OnCall user.</summary>
public enum EscalationLevel
{
    Primary = 0,
    Next = 1,
    Everyone = 2,
}

public enum NotificationKind
{
    Threshold = 1,
    Repeat = 2,
    Escalation = 3,
}

/// <summary>
/// What an alert has sent so far. The escalation clock runs from the step's first notification; a silence holds it.
/// </summary>
public sealed record NotificationState(
    AlertStep? NotifiedStep = null,
    DateTimeOffset? LastNotifiedAt = null,
    int RepeatCount = 0,
    EscalationLevel Level = EscalationLevel.Primary,
    DateTimeOffset? EscalationClockFrom = null);

/// <summary>
/// One message due now: <see cref="KeySuffix"/> follows "alert:{id}:" in the source key, so the same step, repeat or
/// escalation is never sent twice. <see cref="Audience"/> says who: for an escalation the people it reaches, for a
/// threshold or repeat everyone the alert has reached so far.
/// </summary>
public sealed record DueNotification(NotificationKind Kind, string KeySuffix, EscalationLevel Audience);

/// <summary>What to send now and the state after it; <c>Rearmed</c>: a later step reached an acknowledged alert, which fires again.</summary>
public sealed record NotificationDecision(IReadOnlyList<DueNotification> Due, NotificationState Next, bool Rearmed);

public static class AlertNotifications
{
    /// <summary>
    /// What an alert at <paramref name="step"/> sends now. A step it has not notified is sent once to the primary (and
    /// re-arms an acknowledged alert: the acknowledgement was for an earlier step). While it is unacknowledged it escalates
    /// to the next person and then to every OnCall user after the policy's delays, and repeats to everyone reached so far
    /// every repeat interval. Missed time (downtime) is caught up with one message, never one per missed interval.
    /// A silenced alert sends nothing and its escalation clock starts again when the silence ends; a step reached under a silence is sent when
    /// the silence ends.
    /// </summary>
    public static NotificationDecision Decide(AlertStep step, bool acknowledged, bool silenced, NotificationState state, DateTimeOffset now, EscalationPolicy policy)
    {
        if (silenced)
        {
            // The escalation clock restarts when the silence ends: nobody is escalated to over time nobody was asked to act in.
            var held = state.EscalationClockFrom is null ? state : state with { EscalationClockFrom = now };
            return new NotificationDecision([], held, false);
        }

        if (step.IsLaterThan(state.NotifiedStep))
        {
            var next = new NotificationState(step, now, state.RepeatCount, EscalationLevel.Primary, now);
            return new NotificationDecision([new DueNotification(NotificationKind.Threshold, $"threshold:{step.Key}", EscalationLevel.Primary)], next, acknowledged);
        }

        if (acknowledged)
        {
            return new NotificationDecision([], state, false);
        }

        var clock = state.EscalationClockFrom ?? state.LastNotifiedAt ?? now;
        var elapsed = now - clock;
        var level = elapsed >= policy.EscalateToEveryoneAfter ? EscalationLevel.Everyone
            : elapsed >= policy.EscalateToNextAfter ? EscalationLevel.Next
            : EscalationLevel.Primary;
        if (level > state.Level)
        {
            var key = $"escalation:{state.NotifiedStep?.Key ?? step.Key}:{(int)level}";
            return new NotificationDecision(
                [new DueNotification(NotificationKind.Escalation, key, level)],
                state with { Level = level, LastNotifiedAt = now, EscalationClockFrom = clock },
                false);
        }

        if (state.LastNotifiedAt is { } last && now - last >= policy.RepeatInterval)
        {
            var n = state.RepeatCount + 1;
            return new NotificationDecision(
                [new DueNotification(NotificationKind.Repeat, $"repeat:{n}", state.Level)],
                state with { RepeatCount = n, LastNotifiedAt = now, EscalationClockFrom = clock },
                false);
        }

        return new NotificationDecision([], state, false);
    }
}
