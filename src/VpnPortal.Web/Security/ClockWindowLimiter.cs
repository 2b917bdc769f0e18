using System.Threading.RateLimiting;

namespace VpnPortal.Web.Security;

/// <summary>
/// A fixed window of permits that starts with the first attempt and is judged by the portal's <see cref="TimeProvider"/>.
/// The framework's window limiters read the machine's stopwatch and replenish on a timer of their own, so neither the
/// portal's clock nor a test's fake clock could move them; this one needs no timer and never queues: an attempt is
/// answered at once, and a refusal carries when the window ends as <see cref="MetadataName.RetryAfter"/>.
/// </summary>
public sealed class ClockWindowLimiter(TimeProvider time, int permitLimit, TimeSpan window) : RateLimiter
{
    private static readonly RateLimitLease Granted = new WindowLease(null);

    private readonly Lock _gate = new();
    private DateTimeOffset _windowEnds = DateTimeOffset.MinValue;
    private int _used;
    private long _granted;
    private long _refused;

    /// <summary>How long ago the last window ended; a partitioned limiter drops a partition idle for long.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                var now = time.GetUtcNow();
                return now >= _windowEnds ? now - _windowEnds : null;
            }
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = time.GetUtcNow() >= _windowEnds ? permitLimit : permitLimit - _used,
                TotalSuccessfulLeases = _granted,
                TotalFailedLeases = _refused,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, permitLimit);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now >= _windowEnds)
            {
                if (permitCount == 0)
                {
                    return Granted;
                }

                _windowEnds = now + window;
                _used = 0;
            }

            if (_used + permitCount <= permitLimit && (permitCount > 0 || _used < permitLimit))
            {
                _used += permitCount;
                _granted++;
                return Granted;
            }

            _refused++;
            return new WindowLease(_windowEnds - now);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    /// <summary>Granted when <paramref name="retryAfter"/> is null; a window's permits are not given back when a lease ends.</summary>
    private sealed class WindowLease(TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => retryAfter is null;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
