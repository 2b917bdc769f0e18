using Shouldly;

namespace VpnPortal.Web.BrowserTests.Infrastructure;

/// <summary>Waits for what a portal process or a simulated fleet does in its own time.</summary>
public static class Eventually
{
    /// <summary>
    /// Reads every 100 ms until <paramref name="done"/> holds, and answers the last value; fails with that value when it
    /// does not hold within <paramref name="seconds"/>.
    /// </summary>
    public static async Task<T> ReachAsync<T>(Func<Task<T>> read, Func<T, bool> done, CancellationToken ct, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                done(value).ShouldBeTrue($"not reached within {seconds} s; last value: {value}");
                return value;
            }

            await Task.Delay(100, ct);
        }
    }
}
