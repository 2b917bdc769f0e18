using Microsoft.Extensions.Time.Testing;

namespace VpnPortal.Agent.Tests;

/// <summary>
/// A fake clock that also counts how often it is read: a sign that code running on another thread has got as far as
/// looking at the clock, which a test can wait for before it moves the clock on.
/// </summary>
internal sealed class ReadCountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _reads;

    /// <summary>How often the time was read.</summary>
    public int Reads => Volatile.Read(ref _reads);

    public override DateTimeOffset GetUtcNow()
    {
        Interlocked.Increment(ref _reads);
        return base.GetUtcNow();
    }
}
