using Quartz;

namespace VpnPortal.Web.Jobs;

/// <summary>
/// Base of the portal's Quartz jobs: a fresh DI scope per run, and a failure is logged and left to the next firing,
/// never thrown into the scheduler. Jobs are idempotent: a run repeated (a recovered firing, a misfire caught up) or run
/// on another node does no harm.
/// </summary>
public abstract class QuartzJob(IServiceScopeFactory scopes, ILogger logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var scope = scopes.CreateSystemScope();
            await RunAsync(scope.ServiceProvider, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("{Job} was cancelled (the portal is stopping); it runs again on its next firing", GetType().Name);
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Job} failed; it runs again on its next firing", GetType().Name);
        }
    }

    /// <summary>One run; public so tests can run it directly.</summary>
    public abstract Task RunAsync(IServiceProvider services, CancellationToken ct);
}
