using Shouldly;
using VpnPortal.Domain.Radius;
using Xunit;

namespace VpnPortal.Domain.Tests.Radius;

public sealed class RadiusTimeoutsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(600)]
    public void Validate_AcceptsOneToSixHundredSeconds(int seconds) => RadiusTimeouts.Validate(seconds).ShouldBeNull();

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(601)]
    [InlineData(int.MaxValue)]
    public void Validate_RefusesOtherValuesAndSaysTheRange(int seconds) =>
        RadiusTimeouts.Validate(seconds).ShouldNotBeNull().ShouldContain("between 1 and 600");

    [Theory]
    [InlineData(1, true)]
    [InlineData(59, true)]
    [InlineData(60, false)]
    [InlineData(0, false)] // invalid, not "too short": the error says so instead
    [InlineData(601, false)]
    public void IsTooShortForPhoneCallMfa_IsTrueBelowSixtySeconds(int seconds, bool expected) =>
        RadiusTimeouts.IsTooShortForPhoneCallMfa(seconds).ShouldBe(expected);
}
