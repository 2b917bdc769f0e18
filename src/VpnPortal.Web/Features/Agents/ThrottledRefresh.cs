namespace VpnPortal.Web.Features.Agents;

/// <summary>
/// Turns a burst of fleet changes into at most one refresh per <c>minInterval</c>: the first change refreshes at
/// once, changes during the wait or during a refresh are folded into one more refresh afterwards. A page with a
/// hundred agents reporting every 30 s would otherwise re-query several times a second.
/// </summary>
public sealed class ThrottledRefresh : IDisposable
{
    private readonly Func<CancellationToken, Task> _refresh;
    private readonly TimeSpan _minInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private bool _running;
    private bool _again;
    private DateTimeOffset _lastStarted = DateTimeOffset.MinValue;

    public ThrottledRefresh(Func<CancellationToken, Task> refresh, TimeSpan minInterval, TimeProvider time, ILogger logger)
    {
        _refresh = refresh;
        _minInterval = minInterval;
        _time = time;
        _logger = logger;
    }

    /// <summary>Asks for a refresh; returns at once.</summary>
    public void Request()
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            if (_running)
            {
                _again = true;
                return;
            }

            _running = true;
        }

        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        try
        {
            while (true)
            {
                var wait = _lastStarted == DateTimeOffset.MinValue ? TimeSpan.Zero : _lastStarted + _minInterval - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, ct);
                }

                lock (_gate)
                {
                    _again = false;
                }

                _lastStarted = _time.GetUtcNow();
                try
                {
                    await _refresh(ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The page keeps what it showed; the next change tries again.
                    _logger.LogWarning(ex, "Live refresh failed");
                }

                lock (_gate)
                {
                    if (!_again || ct.IsCancellationRequested)
                    {
                        _running = false;
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the page was left.
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            _stop.Cancel();
        }

        _stop.Dispose();
    }
}
