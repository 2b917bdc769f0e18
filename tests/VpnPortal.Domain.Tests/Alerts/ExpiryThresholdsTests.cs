using Shouldly;
using VpnPortal.Domain.Alerts;
using Xunit;

namespace VpnPortal.Domain.Tests.Alerts;

public sealed class ExpiryThresholdsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private static readonly int Sstp = PurposeMask.Of(CertificatePurpose.Sstp);

    [Theory]
    [InlineData(400, null)]
    [InlineData(30.001, null)] // a minute and a half short of the first threshold
    [InlineData(30, 30)]
    [InlineData(29.5, 30)]
    [InlineData(14.0001, 30)]
    [InlineData(14, 14)]
    [InlineData(7.5, 14)]
    [InlineData(7, 7)]
    [InlineData(3, 3)]
    [InlineData(1.0001, 3)]
    [InlineData(1, 1)]
    [InlineData(0.0001, 1)]
    [InlineData(0, 1)] // the not-after instant is still valid
    [InlineData(-0.0001, 0)]
    [InlineData(-400, 0)]
    public void StepAt_DefaultThresholds_IsTheSmallestThresholdWhoseDayHasCome(double daysLeft, int? expectedDays)
    {
        var step = new ExpiryThresholds().StepAt(Now.AddDays(daysLeft), Now, Sstp);

        (step is { } s ? s.Days : (int?)null).ShouldBe(expectedDays);
    }

    [Fact]
    public void StepAt_PurposeOverride_AppliesToThatPurposeOnly()
    {
        var thresholds = new ExpiryThresholds(overrides: new Dictionary<CertificatePurpose, IReadOnlyCollection<int>>
        {
            [CertificatePurpose.NtAuthCa] = [90, 60, 30],
        });

        thresholds.StepAt(Now.AddDays(89), Now, PurposeMask.Of(CertificatePurpose.NtAuthCa)).ShouldBe(new AlertStep(90));
        thresholds.StepAt(Now.AddDays(89), Now, Sstp).ShouldBeNull();
        thresholds.StepAt(Now.AddDays(20), Now, PurposeMask.Of(CertificatePurpose.NtAuthCa)).ShouldBe(new AlertStep(30));
        thresholds.StepAt(Now.AddDays(2), Now, PurposeMask.Of(CertificatePurpose.NtAuthCa)).ShouldBe(new AlertStep(30), "the override has no 3 or 1 day step");
        thresholds.StepAt(Now.AddDays(-1), Now, PurposeMask.Of(CertificatePurpose.NtAuthCa)).ShouldBe(AlertStep.Expired);
    }

    [Fact]
    public void StepAt_SeveralPurposes_TakesEveryPurposesThresholds()
    {
        var thresholds = new ExpiryThresholds(overrides: new Dictionary<CertificatePurpose, IReadOnlyCollection<int>>
        {
            [CertificatePurpose.Ikev2] = [60],
        });
        var both = PurposeMask.Of([CertificatePurpose.Sstp, CertificatePurpose.Ikev2]);

        thresholds.For(both).ShouldBe([60, 30, 14, 7, 3, 1]);
        thresholds.StepAt(Now.AddDays(45), Now, both).ShouldBe(new AlertStep(60));
        thresholds.StepAt(Now.AddDays(10), Now, both).ShouldBe(new AlertStep(14));
    }

    [Fact]
    public void StepAt_PurposeOverriddenWithNoDays_IsNotWatchedEvenWhenExpired()
    {
        var thresholds = new ExpiryThresholds(overrides: new Dictionary<CertificatePurpose, IReadOnlyCollection<int>>
        {
            [CertificatePurpose.CaCertificate] = [],
        });

        thresholds.StepAt(Now.AddDays(-5), Now, PurposeMask.Of(CertificatePurpose.CaCertificate)).ShouldBeNull();
        thresholds.StepAt(Now.AddDays(-5), Now, PurposeMask.Of([CertificatePurpose.CaCertificate, CertificatePurpose.NtAuthCa])).ShouldBe(AlertStep.Expired);
    }

    [Fact]
    public void StepAt_NoPurpose_IsNotWatched() =>
        new ExpiryThresholds().StepAt(Now.AddDays(-5), Now, 0).ShouldBeNull();

    [Fact]
    public void LargestDaysIn_AStore_IsTheEarliestWarningOfAnyPurposeThere_SoNothingLaterIsAtAStep()
    {
        new ExpiryThresholds().LargestDaysIn(WatchedStore.My).ShouldBe(30);
        var thresholds = new ExpiryThresholds([14, 7], new Dictionary<CertificatePurpose, IReadOnlyCollection<int>>
        {
            [CertificatePurpose.NtAuthCa] = [90, 30],
            [CertificatePurpose.Ikev2] = [45],
            [CertificatePurpose.CaCertificate] = [],
        });

        thresholds.LargestDaysIn(WatchedStore.NTAuth).ShouldBe(90);
        thresholds.LargestDaysIn(WatchedStore.My).ShouldBe(45);
        thresholds.LargestDaysIn(WatchedStore.Portal).ShouldBe(14);
        thresholds.LargestDaysIn(WatchedStore.Root).ShouldBeNull("CA certificates are not watched");
        thresholds.LargestDaysIn(WatchedStore.Disallowed).ShouldBeNull();

        // Nothing in a store is at a step later than its largest days, whichever purposes it has there.
        foreach (var store in new[] { WatchedStore.My, WatchedStore.NTAuth, WatchedStore.Portal })
        {
            var days = thresholds.LargestDaysIn(store)!.Value;
            var every = PurposeMask.Of(CertificatePurposes.PossibleIn(store));
            thresholds.StepAt(Now.AddDays(days), Now, every).ShouldBe(new AlertStep(days));
            thresholds.StepAt(Now.AddDays(days).AddSeconds(1), Now, every).ShouldBeNull();
        }
    }

    [Fact]
    public void Constructor_ConfiguredDays_ReplaceTheDefaultsInAnyOrder()
    {
        var thresholds = new ExpiryThresholds([7, 60, 21]);

        thresholds.Days.ShouldBe([60, 21, 7]);
        thresholds.StepAt(Now.AddDays(25), Now, Sstp).ShouldBe(new AlertStep(60));
        thresholds.StepAt(Now.AddDays(2), Now, Sstp).ShouldBe(new AlertStep(7));
    }

    [Theory]
    [InlineData(new[] { 0, 7 }, "from 1 to 3650")]
    [InlineData(new[] { -3 }, "from 1 to 3650")]
    [InlineData(new[] { 3651 }, "from 1 to 3650")]
    [InlineData(new[] { 7, 7 }, "listed twice")]
    public void Validate_BadDays_SaysWhy(int[] days, string expected)
    {
        ExpiryThresholds.Validate(days, null).ShouldHaveSingleItem().ShouldContain(expected);
        Should.Throw<ArgumentException>(() => new ExpiryThresholds(days));
    }

    [Fact]
    public void Validate_BadOverride_NamesThePurpose() =>
        ExpiryThresholds.Validate(null, new Dictionary<CertificatePurpose, IReadOnlyCollection<int>> { [CertificatePurpose.MfaExtension] = [0] })
            .ShouldHaveSingleItem().ShouldContain("MfaExtension");

    [Theory]
    [InlineData(30, AlertSeverity.Notice)]
    [InlineData(15, AlertSeverity.Notice)]
    [InlineData(14, AlertSeverity.Warning)]
    [InlineData(7, AlertSeverity.Warning)]
    [InlineData(4, AlertSeverity.Warning)]
    [InlineData(3, AlertSeverity.Critical)]
    [InlineData(1, AlertSeverity.Critical)]
    [InlineData(0, AlertSeverity.Expired)]
    public void Severity_RisesAsStepsPass(int days, AlertSeverity expected) => new AlertStep(days).Severity.ShouldBe(expected);

    [Fact]
    public void IsLaterThan_ComparesUrgency()
    {
        new AlertStep(14).IsLaterThan(new AlertStep(30)).ShouldBeTrue();
        new AlertStep(30).IsLaterThan(new AlertStep(14)).ShouldBeFalse();
        new AlertStep(14).IsLaterThan(new AlertStep(14)).ShouldBeFalse();
        AlertStep.Expired.IsLaterThan(new AlertStep(1)).ShouldBeTrue();
        new AlertStep(30).IsLaterThan(null).ShouldBeTrue();
        AlertStep.Expired.Key.ShouldBe("expired");
        new AlertStep(7).Key.ShouldBe("7");
    }

    [Fact]
    public void Scan_ListsOnlyCertificatesAtAStep()
    {
        WatchedExpiry[] certificates =
        [
            new(Now.AddDays(100), Sstp),
            new(Now.AddDays(10), Sstp),
            new(Now.AddDays(-1), 0),
            new(Now.AddDays(-1), Sstp),
        ];

        AlertScan.Due(certificates, Now, new ExpiryThresholds()).ShouldBe([(1, new AlertStep(14)), (3, AlertStep.Expired)]);
    }
}
