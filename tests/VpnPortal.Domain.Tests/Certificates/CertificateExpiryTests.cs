using Shouldly;
using VpnPortal.Domain.Certificates;
using Xunit;

namespace VpnPortal.Domain.Tests.Certificates;

public sealed class CertificateExpiryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(-400, -1, ExpiryState.Expired)]
    [InlineData(-400, -0.0001, ExpiryState.Expired)]
    [InlineData(-400, 0, ExpiryState.ExpiringSoon)]
    [InlineData(-400, 29.9, ExpiryState.ExpiringSoon)]
    [InlineData(-400, 30, ExpiryState.Valid)]
    [InlineData(-400, 365, ExpiryState.Valid)]
    [InlineData(1, 365, ExpiryState.NotYetValid)]
    [InlineData(1, -1, ExpiryState.Expired)] // nonsense dates: expired wins, it is what breaks connections
    public void Classify_UsesThirtyDays(double notBeforeDays, double notAfterDays, ExpiryState expected) =>
        CertificateExpiry.Classify(Now.AddDays(notBeforeDays), Now.AddDays(notAfterDays), Now).ShouldBe(expected);
}
