using Shouldly;
using VpnPortal.Domain.Alerts;
using Xunit;

namespace VpnPortal.Domain.Tests.Alerts;

public sealed class AlertNotificationsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private static readonly EscalationPolicy Policy = EscalationPolicy.Default;
    private static readonly AlertStep Fourteen = new(14);

    private static NotificationDecision Decide(AlertStep step, NotificationState state, TimeSpan after, bool acknowledged = false, bool silenced = false) =>
        AlertNotifications.Decide(step, acknowledged, silenced, state, T0 + after, Policy);

    private static NotificationState Notified(AlertStep step) => Decide(step, new NotificationState(), TimeSpan.Zero).Next;

    [Fact]
    public void NewStep_NotifiesThePrimaryOnce()
    {
        var first = Decide(Fourteen, new NotificationState(), TimeSpan.Zero);

        first.Due.ShouldBe([new DueNotification(NotificationKind.Threshold, "threshold:14", EscalationLevel.Primary)]);
        Decide(Fourteen, first.Next, TimeSpan.FromMinutes(1)).Due.ShouldBeEmpty();
    }

    [Fact]
    public void FindingStep_IsCriticalWithItsOwnKeys_AndNeverFollowedByAnotherStep()
    {
        AlertStep.Finding.Severity.ShouldBe(AlertSeverity.Critical);
        AlertStep.Finding.IsExpired.ShouldBeFalse();
        AlertStep.Finding.ToString().ShouldBe("critical finding");
        var first = Decide(AlertStep.Finding, new NotificationState(), TimeSpan.Zero);
        first.Due.ShouldBe([new DueNotification(NotificationKind.Threshold, "threshold:finding", EscalationLevel.Primary)]);
        AlertStep.Expired.IsLaterThan(first.Next.NotifiedStep).ShouldBeFalse("no expiry step re-arms a finding's alert");

        var next = Decide(AlertStep.Finding, first.Next, TimeSpan.FromMinutes(30));
        next.Due.ShouldBe([new DueNotification(NotificationKind.Escalation, "escalation:finding:1", EscalationLevel.Next)]);
        Decide(AlertStep.Finding, first.Next, TimeSpan.FromHours(8), acknowledged: true).Due.ShouldBeEmpty();
    }

    [Fact]
    public void Escalation_ToNextAt30Minutes_ToEveryoneAt60_NotBefore()
    {
        var state = Notified(Fourteen);

        Decide(Fourteen, state, TimeSpan.FromMinutes(29.9)).Due.ShouldBeEmpty();
        var next = Decide(Fourteen, state, TimeSpan.FromMinutes(30));
        next.Due.ShouldBe([new DueNotification(NotificationKind.Escalation, "escalation:14:1", EscalationLevel.Next)]);
        Decide(Fourteen, next.Next, TimeSpan.FromMinutes(59.9)).Due.ShouldBeEmpty();
        var everyone = Decide(Fourteen, next.Next, TimeSpan.FromMinutes(60));
        everyone.Due.ShouldBe([new DueNotification(NotificationKind.Escalation, "escalation:14:2", EscalationLevel.Everyone)]);
        Decide(Fourteen, everyone.Next, TimeSpan.FromMinutes(61)).Due.ShouldBeEmpty();
    }

    [Fact]
    public void AfterDowntime_EscalationCatchesUpOnce_ToTheHighestLevel()
    {
        var late = Decide(Fourteen, Notified(Fourteen), TimeSpan.FromHours(3));

        late.Due.ShouldBe([new DueNotification(NotificationKind.Escalation, "escalation:14:2", EscalationLevel.Everyone)]);
    }

    [Fact]
    public void Repeat_EveryIntervalAfterTheLastMessage_ToEveryoneReached()
    {
        var state = Decide(Fourteen, Decide(Fourteen, Notified(Fourteen), TimeSpan.FromMinutes(30)).Next, TimeSpan.FromMinutes(60)).Next;

        Decide(Fourteen, state, TimeSpan.FromMinutes(60) + TimeSpan.FromHours(4) - TimeSpan.FromSeconds(1)).Due.ShouldBeEmpty();
        var repeat = Decide(Fourteen, state, TimeSpan.FromMinutes(60) + TimeSpan.FromHours(4));
        repeat.Due.ShouldBe([new DueNotification(NotificationKind.Repeat, "repeat:1", EscalationLevel.Everyone)]);
        var second = Decide(Fourteen, repeat.Next, TimeSpan.FromMinutes(60) + TimeSpan.FromHours(8));
        second.Due.ShouldBe([new DueNotification(NotificationKind.Repeat, "repeat:2", EscalationLevel.Everyone)]);
    }

    [Fact]
    public void Repeat_AfterLongDowntime_IsOneMessage()
    {
        var state = Decide(Fourteen, Notified(Fourteen), TimeSpan.FromHours(1)).Next; // escalated to everyone

        var late = Decide(Fourteen, state, TimeSpan.FromDays(2));
        late.Due.ShouldHaveSingleItem().KeySuffix.ShouldBe("repeat:1");
        Decide(Fourteen, late.Next, TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1)).Due.ShouldBeEmpty();
    }

    [Fact]
    public void Acknowledged_NoRepeatNoEscalation()
    {
        var state = Notified(Fourteen);

        Decide(Fourteen, state, TimeSpan.FromHours(30), acknowledged: true).Due.ShouldBeEmpty();
    }

    [Fact]
    public void Acknowledged_LaterStep_NotifiesAndRearms()
    {
        var later = Decide(new AlertStep(7), Notified(Fourteen), TimeSpan.FromDays(7), acknowledged: true);

        later.Due.ShouldBe([new DueNotification(NotificationKind.Threshold, "threshold:7", EscalationLevel.Primary)]);
        later.Rearmed.ShouldBeTrue();
        later.Next.Level.ShouldBe(EscalationLevel.Primary);
    }

    [Fact]
    public void EarlierStepAgain_IsNotNotified() =>
        Decide(new AlertStep(30), Notified(Fourteen), TimeSpan.FromMinutes(1)).Due.ShouldBeEmpty();

    [Fact]
    public void Silenced_SendsNothing_StepIsSentWhenTheSilenceEnds()
    {
        var silenced = Decide(Fourteen, new NotificationState(), TimeSpan.Zero, silenced: true);
        silenced.Due.ShouldBeEmpty();

        Decide(Fourteen, silenced.Next, TimeSpan.FromHours(2)).Due.ShouldHaveSingleItem().KeySuffix.ShouldBe("threshold:14");
    }

    [Fact]
    public void Silenced_EscalationClockStartsAgainWhenItEnds()
    {
        var state = Notified(Fourteen);
        var held = Decide(Fourteen, state, TimeSpan.FromMinutes(50), silenced: true).Next;

        Decide(Fourteen, held, TimeSpan.FromMinutes(79)).Due.ShouldBeEmpty();
        Decide(Fourteen, held, TimeSpan.FromMinutes(80)).Due.ShouldHaveSingleItem().KeySuffix.ShouldBe("escalation:14:1");
    }
}
