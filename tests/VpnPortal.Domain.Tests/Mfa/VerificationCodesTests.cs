using Shouldly;
using VpnPortal.Domain.Mfa;
using Xunit;

namespace VpnPortal.Domain.Tests.Mfa;

public sealed class VerificationCodesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private static readonly VerificationLimits Limits = VerificationLimits.Default;

    [Fact]
    public void NewCode_IsSixDigits()
    {
        for (var i = 0; i < 200; i++)
        {
            VerificationCodes.NewCode().ShouldMatch("^[0-9]{6}$");
        }
    }

    [Fact]
    public void Issue_StoresNoCodeOnlyASaltedHash()
    {
        var first = VerificationCodes.Issue("123456", Now, Limits);
        var second = VerificationCodes.Issue("123456", Now, Limits);

        first.CodeHash.ShouldNotBe(second.CodeHash);
        System.Text.Encoding.ASCII.GetString(first.CodeHash).ShouldNotContain("123456");
        first.ExpiresAt.ShouldBe(Now.AddMinutes(10));
    }

    [Theory]
    [InlineData("123456")]
    [InlineData(" 123 456 ")]
    [InlineData("123-456")]
    public void Check_TheRightCode_Confirms(string entered) =>
        VerificationCodes.Check(VerificationCodes.Issue("123456", Now, Limits), entered, Now.AddMinutes(9), Limits)
            .Outcome.ShouldBe(VerificationOutcome.Confirmed);

    [Fact]
    public void Check_AWrongCode_CountsAnAttemptAndSaysHowManyAreLeft()
    {
        var check = VerificationCodes.Check(VerificationCodes.Issue("123456", Now, Limits), "654321", Now, Limits);

        check.Outcome.ShouldBe(VerificationOutcome.WrongCode);
        check.CountsAsAttempt.ShouldBeTrue();
        check.AttemptsLeft.ShouldBe(4);
        check.Message.ShouldContain("4 more tries");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12345a")]
    public void Check_SomethingThatIsNotACode_DoesNotUseAnAttempt(string? entered)
    {
        var check = VerificationCodes.Check(VerificationCodes.Issue("123456", Now, Limits), entered, Now, Limits);

        check.Outcome.ShouldBe(VerificationOutcome.Malformed);
        check.CountsAsAttempt.ShouldBeFalse();
    }

    [Fact]
    public void Check_AfterTheLifetime_IsExpiredEvenWithTheRightCode()
    {
        var state = VerificationCodes.Issue("123456", Now, Limits);

        VerificationCodes.Check(state, "123456", Now.AddMinutes(10), Limits).Outcome.ShouldBe(VerificationOutcome.Expired);
        VerificationCodes.Check(state, "123456", Now.AddMinutes(10).AddTicks(-1), Limits).Outcome.ShouldBe(VerificationOutcome.Confirmed);
    }

    [Fact]
    public void Check_AfterTheLastAttempt_RefusesEvenTheRightCode()
    {
        var state = VerificationCodes.Issue("123456", Now, Limits) with { FailedAttempts = 4 };

        var last = VerificationCodes.Check(state, "000000", Now, Limits);
        last.AttemptsLeft.ShouldBe(0);
        last.Message.ShouldContain("last try");

        VerificationCodes.Check(state with { FailedAttempts = 5 }, "123456", Now, Limits).Outcome.ShouldBe(VerificationOutcome.TooManyAttempts);
        VerificationCodes.Check(state, "123456", Now, Limits).Outcome.ShouldBe(VerificationOutcome.Confirmed);
    }

    [Fact]
    public void Check_AUsedCode_CannotBeUsedAgain() =>
        VerificationCodes.Check(VerificationCodes.Issue("123456", Now, Limits) with { ConfirmedAt = Now }, "123456", Now, Limits)
            .Outcome.ShouldBe(VerificationOutcome.AlreadyUsed);

    [Fact]
    public void MaySend_UnderBothLimits_Allows() =>
        VerificationCodes.MaySend(Now, Times(4), Times(2), Limits).Allowed.ShouldBeTrue();

    [Fact]
    public void MaySend_AtTheUserLimit_RefusesUntilTheOldestLeavesTheHour()
    {
        var sent = Times(5);

        var decision = VerificationCodes.MaySend(Now, sent, [], Limits);

        decision.Allowed.ShouldBeFalse();
        decision.RetryAt.ShouldBe(sent.Min() + TimeSpan.FromHours(1));
        VerificationCodes.MaySend(decision.RetryAt!.Value, sent, [], Limits).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void MaySend_AtTheNumberLimit_RefusesWithoutSayingWhoUsesTheNumber()
    {
        var decision = VerificationCodes.MaySend(Now, [], Times(3), Limits);

        decision.Allowed.ShouldBeFalse();
        decision.Message.ShouldNotBeNull().ShouldNotContain("someone");
        decision.Message.ShouldNotContain("belongs");
    }

    [Fact]
    public void MaySend_SendsOlderThanAnHour_DoNotCount() =>
        VerificationCodes.MaySend(Now, Times(5).Select(t => t - TimeSpan.FromHours(1)).ToList(), [], Limits).Allowed.ShouldBeTrue();

    /// <summary>Sends a few minutes apart, the last one a minute ago.</summary>
    private static List<DateTimeOffset> Times(int count) =>
        Enumerable.Range(1, count).Select(i => Now - TimeSpan.FromMinutes(i * 7)).ToList();
}
