using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using VpnPortal.Web.Features.Agents;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Agents;

/// <summary>Live pages re-query at most once per interval however many agents report (real time, short intervals).</summary>
public sealed class ThrottledRefreshTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task ABurstOfChanges_RefreshesAtOnceAndThenOnceMoreAfterTheInterval()
    {
        var refreshes = new List<DateTimeOffset>();
        using var throttle = new ThrottledRefresh(_ => Record(refreshes), Interval, TimeProvider.System, NullLogger.Instance);
        var start = DateTimeOffset.UtcNow;

        for (var i = 0; i < 50; i++)
        {
            throttle.Request();
        }

        await Task.Delay(Interval * 3, TestContext.Current.CancellationToken);

        Snapshot(refreshes).Count.ShouldBe(2, "one refresh for the first change, one for all the changes that came while it ran or waited");
        (Snapshot(refreshes)[0] - start).ShouldBeLessThan(Interval, "the first change is shown at once");
        (Snapshot(refreshes)[1] - Snapshot(refreshes)[0]).ShouldBeGreaterThanOrEqualTo(Interval - TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public async Task AfterDispose_ChangesRefreshNothing()
    {
        var refreshes = new List<DateTimeOffset>();
        var throttle = new ThrottledRefresh(_ => Record(refreshes), Interval, TimeProvider.System, NullLogger.Instance);
        throttle.Request();
        throttle.Request();

        throttle.Dispose();
        throttle.Request();
        await Task.Delay(Interval * 2, TestContext.Current.CancellationToken);

        Snapshot(refreshes).Count.ShouldBe(1, "the refresh pending when the page was left must not run");
    }

    [Fact]
    public async Task AFailingRefresh_DoesNotStopLaterOnes()
    {
        var calls = 0;
        using var throttle = new ThrottledRefresh(
            _ => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("database away") : Task.CompletedTask,
            TimeSpan.FromMilliseconds(50), TimeProvider.System, NullLogger.Instance);

        throttle.Request();
        await Task.Delay(100, TestContext.Current.CancellationToken);
        throttle.Request();
        await Task.Delay(200, TestContext.Current.CancellationToken);

        Volatile.Read(ref calls).ShouldBe(2);
    }

    private static Task Record(List<DateTimeOffset> refreshes)
    {
        lock (refreshes)
        {
            refreshes.Add(DateTimeOffset.UtcNow);
        }

        return Task.CompletedTask;
    }

    private static List<DateTimeOffset> Snapshot(List<DateTimeOffset> refreshes)
    {
        lock (refreshes)
        {
            return [.. refreshes];
        }
    }
}
