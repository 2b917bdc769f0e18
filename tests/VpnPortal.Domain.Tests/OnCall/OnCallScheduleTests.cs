using Shouldly;
using VpnPortal.Domain.OnCall;
using Xunit;

namespace VpnPortal.Domain.Tests.OnCall;

public sealed class OnCallScheduleTests
{
    private static readonly Guid Ana = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Ben = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid Cem = Guid.Parse("00000000-0000-0000-0000-00000000000c");
    private static readonly Guid Dev = Guid.Parse("00000000-0000-0000-0000-00000000000d");

    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>Ana, Ben, Cem in turn, handing over on Mondays at 09:00 London time; Ana's first week starts Mon 5 Jan 2026.</summary>
    private static Rotation Weekly(TimeZoneInfo? zone = null, DayOfWeek day = DayOfWeek.Monday, int hour = 9, int minute = 0, params Guid[] members) =>
        new(members.Length == 0 ? [Ana, Ben, Cem] : members, day, new TimeOnly(hour, minute), zone ?? London, new DateOnly(2026, 1, 5));

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void At_HandOverMinute_TheWeekChangesHands_AndTheOrderWrapsBothWays()
    {
        var rota = Weekly();

        OnCallSchedule.At(rota, [], Utc(1, 5, 8, 59)).Primary.ShouldBe(Cem, "the week before the first hand-over is the last member's");
        OnCallSchedule.At(rota, [], Utc(1, 5, 9, 0)).Primary.ShouldBe(Ana);
        OnCallSchedule.At(rota, [], Utc(1, 14, 12)).Primary.ShouldBe(Ben);
        OnCallSchedule.At(rota, [], Utc(1, 19, 9)).Primary.ShouldBe(Cem);
        OnCallSchedule.At(rota, [], Utc(1, 26, 9)).Primary.ShouldBe(Ana, "after the last member it starts again");
    }

    [Fact]
    public void At_NamesTheNextPersonAndWhenTheyTakeOver()
    {
        var shift = OnCallSchedule.At(Weekly(), [], Utc(1, 7, 15));

        shift.Primary.ShouldBe(Ana);
        shift.Scheduled.ShouldBe(Ana);
        shift.Override.ShouldBeNull();
        shift.Until.ShouldBe(Utc(1, 12, 9));
        shift.Next.ShouldBe(Ben);
        shift.NextFrom.ShouldBe(Utc(1, 12, 9));
        shift.NextHandOver.ShouldBe(Utc(1, 12, 9));
    }

    [Fact]
    public void HandOver_KeepsItsWallClockTimeAcrossDaylightSaving_SoThoseWeeksAreAnHourShorterOrLonger()
    {
        var rota = Weekly();

        // Clocks go forward on Sun 29 Mar 2026: Monday 09:00 BST is 08:00 UTC.
        var spring = OnCallSchedule.ScheduledAt(rota, Utc(3, 27, 12));
        spring.WeekStart.ShouldBe(Utc(3, 23, 9));
        spring.WeekEnd.ShouldBe(Utc(3, 30, 8));
        (spring.WeekEnd - spring.WeekStart).ShouldBe(TimeSpan.FromHours(167));
        OnCallSchedule.At(rota, [], Utc(3, 30, 7, 59)).Primary.ShouldBe(spring.Member);
        OnCallSchedule.At(rota, [], Utc(3, 30, 8, 0)).Primary.ShouldNotBe(spring.Member);

        // Clocks go back on Sun 25 Oct 2026: Monday 09:00 GMT is 09:00 UTC again.
        var autumn = OnCallSchedule.ScheduledAt(rota, Utc(10, 21, 12));
        autumn.WeekStart.ShouldBe(Utc(10, 19, 8));
        autumn.WeekEnd.ShouldBe(Utc(10, 26, 9));
        (autumn.WeekEnd - autumn.WeekStart).ShouldBe(TimeSpan.FromHours(169));
    }

    [Fact]
    public void HandOver_AtATimeTheClocksSkip_HappensWhenTheClocksJump_AndAtATimeThatHappensTwice_TheFirstTime()
    {
        // Sunday 01:30 London does not exist on 29 Mar 2026 (01:00 GMT jumps to 02:00 BST, i.e. 01:00 UTC).
        var london = Weekly(London, DayOfWeek.Sunday, 1, 30);
        OnCallSchedule.HandOverInstant(london, new DateOnly(2026, 3, 29)).ShouldBe(Utc(3, 29, 1));
        OnCallSchedule.HandOverInstant(london, new DateOnly(2026, 3, 22)).ShouldBe(Utc(3, 22, 1, 30));

        // Sunday 01:30 London happens twice on 25 Oct 2026 (00:30 and 01:30 UTC): the first counts.
        OnCallSchedule.HandOverInstant(london, new DateOnly(2026, 10, 25)).ShouldBe(Utc(10, 25, 0, 30));
        OnCallSchedule.At(london, [], Utc(10, 25, 0, 29)).Primary.ShouldNotBe(OnCallSchedule.At(london, [], Utc(10, 25, 0, 30)).Primary);
        OnCallSchedule.At(london, [], Utc(10, 25, 1, 30)).Primary.ShouldBe(OnCallSchedule.At(london, [], Utc(10, 25, 0, 30)).Primary, "the repeated hour hands over once, not twice");

        // New York: Sunday 02:30 does not exist on 8 Mar 2026; 03:00 EDT is 07:00 UTC.
        var newYork = Weekly(NewYork, DayOfWeek.Sunday, 2, 30);
        OnCallSchedule.HandOverInstant(newYork, new DateOnly(2026, 3, 8)).ShouldBe(Utc(3, 8, 7));
        OnCallSchedule.HandOverInstant(newYork, new DateOnly(2026, 3, 15)).ShouldBe(Utc(3, 15, 6, 30));
    }

    [Fact]
    public void Override_CoversTheirHours_AndAcrossTheHandOver_TheNextPersonIsWhoeverIsOnAfterTheCover()
    {
        // Ana's week ends Mon 12 Jan 09:00; Dev covers 06:00-12:00 that Monday, across the hand-over to Ben.
        var cover = new CoverOverride(Guid.NewGuid(), Dev, Utc(1, 12, 6), Utc(1, 12, 12), Utc(1, 1, 0));
        var rota = Weekly();

        var before = OnCallSchedule.At(rota, [cover], Utc(1, 12, 5, 59));
        before.Primary.ShouldBe(Ana);
        before.Until.ShouldBe(Utc(1, 12, 6));
        before.Next.ShouldBe(Dev);
        before.NextFrom.ShouldBe(Utc(1, 12, 6));

        var covering = OnCallSchedule.At(rota, [cover], Utc(1, 12, 6));
        covering.Primary.ShouldBe(Dev);
        covering.Scheduled.ShouldBe(Ana);
        covering.Override.ShouldBe(cover);
        covering.Next.ShouldBe(Ben, "Ana's week is over by the time the cover ends");
        covering.NextFrom.ShouldBe(Utc(1, 12, 12));

        var afterHandOver = OnCallSchedule.At(rota, [cover], Utc(1, 12, 10));
        afterHandOver.Primary.ShouldBe(Dev);
        afterHandOver.Scheduled.ShouldBe(Ben);

        OnCallSchedule.At(rota, [cover], Utc(1, 12, 12)).Primary.ShouldBe(Ben, "the end of the cover is exclusive");
    }

    [Fact]
    public void OverlappingOverrides_TheOneAddedLastWins()
    {
        var first = new CoverOverride(Guid.NewGuid(), Dev, Utc(1, 13, 0), Utc(1, 14, 0), Utc(1, 1, 0));
        var later = new CoverOverride(Guid.NewGuid(), Cem, Utc(1, 13, 8), Utc(1, 13, 18), Utc(1, 2, 0));

        OnCallSchedule.At(Weekly(), [first, later], Utc(1, 13, 7)).Primary.ShouldBe(Dev);
        var both = OnCallSchedule.At(Weekly(), [first, later], Utc(1, 13, 9));
        both.Primary.ShouldBe(Cem);
        both.Until.ShouldBe(Utc(1, 13, 18));
        both.Next.ShouldBe(Dev);
        OnCallSchedule.At(Weekly(), [first, later], Utc(1, 13, 18)).Primary.ShouldBe(Dev);
    }

    [Fact]
    public void AnEmptyRota_HasNobodyOnCall_ExceptWhoeverCovers()
    {
        var empty = new Rotation([], DayOfWeek.Monday, new TimeOnly(9, 0), London, new DateOnly(2026, 1, 5));
        var cover = new CoverOverride(Guid.NewGuid(), Dev, Utc(1, 13, 0), Utc(1, 14, 0), Utc(1, 1, 0));

        var nobody = OnCallSchedule.At(empty, [cover], Utc(1, 12, 0));
        nobody.Primary.ShouldBeNull();
        nobody.Next.ShouldBe(Dev);
        nobody.NextHandOver.ShouldBeNull();
        OnCallSchedule.At(empty, [cover], Utc(1, 13, 1)).Primary.ShouldBe(Dev);
    }

    [Fact]
    public void ARotaOfOne_HasNoNextPerson()
    {
        var shift = OnCallSchedule.At(Weekly(members: [Ana]), [], Utc(2, 2, 12));

        shift.Primary.ShouldBe(Ana);
        shift.Next.ShouldBeNull();
        shift.NextHandOver.ShouldBe(Utc(2, 9, 9));
    }

    [Fact]
    public void StartsOn_NotOnTheHandOverDay_CountsFromTheHandOverDayBeforeIt()
    {
        // Wed 7 Jan with Monday hand-overs: Ana's first week is the one starting Mon 5 Jan.
        var rota = Weekly() with { StartsOn = new DateOnly(2026, 1, 7) };

        OnCallSchedule.At(rota, [], Utc(1, 6, 12)).Primary.ShouldBe(Ana);
    }
}
