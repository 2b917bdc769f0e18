using Shouldly;
using VpnPortal.Web.Features.Rotations;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Rotations;

public sealed class BrowserTimeZoneTests
{
    [Theory]
    [InlineData("2026-11-23T22:00", "2026-11-23T21:00:00Z")] // winter: UTC+1
    [InlineData("2026-07-01T22:00", "2026-07-01T20:00:00Z")] // summer: UTC+2
    public void WallClockTimeInTheBrowsersZone_BecomesTheUtcInstant_DaylightSavingIncluded(string local, string utc)
    {
        var paris = BrowserTimeZone.FromName("Europe/Paris").ShouldNotBeNull();

        var (converted, error) = paris.ToUtc(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture));

        error.ShouldBeNull();
        converted.ShouldBe(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void TimeTheClocksSkip_IsRefusedWithTheZone()
    {
        var paris = BrowserTimeZone.FromName("Europe/Paris").ShouldNotBeNull();

        var (converted, error) = paris.ToUtc(new DateTime(2026, 3, 29, 2, 30, 0));

        converted.ShouldBeNull();
        error.ShouldBe("2026-03-29 02:30 does not exist in Europe/Paris: the clocks skip it. Choose another time.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData("Mars/Olympus_Mons")]
    public void ZoneTheServerDoesNotKnow_IsNone_SoThePageWorksInUtc(string? name) => BrowserTimeZone.FromName(name).ShouldBeNull();

    [Fact]
    public void NoTime_IsNoInstant() => BrowserTimeZone.Utc.ToUtc(null).ShouldBe((null, null));
}
