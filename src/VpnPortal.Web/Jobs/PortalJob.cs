namespace VpnPortal.Web.Jobs;

/// <summary>
/// Base of the portal's periodic sweeps: a fresh DI scope per run, and a failure is logged and left to the next run,
/// never allowed to stop the loop. Sweeps are idempotent: running one twice, or on two portal nodes, does no harm.
/// </summary>
public abstract class PortalJob(IServiceScopeFactory scopes, ILogger logger, TimeSpan interval) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await using var scope = scopes.CreateSystemScope();
                await RunAsync(scope.ServiceProvider, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "{Job} failed; it runs again in {Interval}", GetType().Name, interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One run; public so tests can run a sweep directly.</summary>
    public abstract Task RunAsync(IServiceProvider services, CancellationToken ct);
}
