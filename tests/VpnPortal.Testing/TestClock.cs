namespace VpnPortal.Testing;

/// <summary>Where the tests' fake clocks (Microsoft.Extensions.Time.Testing's FakeTimeProvider) start.</summary>
public static class TestClock
{
    /// <summary>22 November 2026, 09:00 UTC: a working morning, so "today", "this week" and on-call rotas read plainly.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
}
