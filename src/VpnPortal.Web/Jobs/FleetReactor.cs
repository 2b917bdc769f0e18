using System.Threading.Channels;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Jobs;

/// <summary>
/// Base of the work that follows what servers report or answer (re-disconnects, certificate convergence, rollouts):
/// it runs for the servers named by the fleet changes it cares about, as soon as they happen, and for the whole
/// fleet every <c>sweepInterval</c>, which catches anything missed (a change on another portal node, a restart).
/// Each run gets a fresh DI scope; a failure is logged and retried by the next change or sweep. Runs are idempotent.
/// </summary>
public abstract class FleetReactor(IServiceScopeFactory scopes, FleetEvents events, ILogger logger, TimeSpan sweepInterval) : BackgroundService
{
    private readonly Channel<Guid?> _pending = Channel.CreateUnbounded<Guid?>(new UnboundedChannelOptions { SingleReader = true });
    private int _queued;
    private int _running;

    /// <summary>Nothing asked for and no run under way: what came before has been acted on.</summary>
    public bool IsIdle => Volatile.Read(ref _queued) == 0 && Volatile.Read(ref _running) == 0;

    /// <summary>How long to wait after a run before the next; what is asked for meanwhile is handled together then.</summary>
    protected virtual TimeSpan PauseAfterRun => TimeSpan.Zero;

    /// <summary>Whether a change calls for a run (only changes with a server id are passed).</summary>
    protected abstract bool Wants(FleetChange change);

    /// <summary>One run: <paramref name="serverIds"/> are the servers that changed, or null for a sweep of the fleet.</summary>
    public abstract Task RunAsync(IServiceProvider services, IReadOnlySet<Guid>? serverIds, CancellationToken ct);

    /// <summary>Asks for a run for one server, or for a sweep (null), e.g. right after an admin's action.</summary>
    public void Request(Guid? serverId)
    {
        // Counted before it is written, so the reactor never looks idle with a request in its queue.
        Interlocked.Increment(ref _queued);
        if (!_pending.Writer.TryWrite(serverId))
        {
            // Only once the reactor has stopped: nothing will run it.
            Interlocked.Decrement(ref _queued);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        events.Changed += OnChanged;
        using var timer = new PeriodicTimer(sweepInterval);
        var ticks = SweepTicksAsync(timer, stoppingToken);
        try
        {
            Request(null);
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
            {
                // Counted as running before the queue is emptied, so the reactor never looks idle with work in hand.
                Interlocked.Increment(ref _running);
                // Everything that arrived meanwhile is handled in one run: a burst of reports costs one pass.
                var servers = new HashSet<Guid>();
                var sweep = false;
                while (_pending.Reader.TryRead(out var serverId))
                {
                    Interlocked.Decrement(ref _queued);
                    if (serverId is { } id)
                    {
                        servers.Add(id);
                    }
                    else
                    {
                        sweep = true;
                    }
                }

                try
                {
                    await using var scope = scopes.CreateSystemScope();
                    await RunAsync(scope.ServiceProvider, sweep ? null : servers, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    logger.LogError(e, "{Reactor} failed; it runs again on the next change or within {Interval}", GetType().Name, sweepInterval);
                }
                finally
                {
                    Interlocked.Decrement(ref _running);
                }

                if (PauseAfterRun > TimeSpan.Zero)
                {
                    await Task.Delay(PauseAfterRun, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            events.Changed -= OnChanged;
            await ticks;
        }
    }

    private void OnChanged(FleetChange change)
    {
        if (change.ServerId is { } id && Wants(change))
        {
            Request(id);
        }
    }

    private async Task SweepTicksAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Request(null);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
