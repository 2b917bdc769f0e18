using System.Runtime.ExceptionServices;
using Quartz;
using VpnPortal.Web.Features.Alerts;

namespace VpnPortal.Web.Jobs;

/// <summary>The periodic alert scan. One at a time across the cluster; a missed firing is caught up once.</summary>
[DisallowConcurrentExecution]
public sealed class AlertScanJob(IServiceScopeFactory scopes, ILogger<AlertScanJob> logger) : QuartzJob(scopes, logger)
{
    public static readonly JobKey Key = new("alert-scan", "alerts");
    public static readonly TriggerKey TriggerKey = new("alert-scan", "alerts");

    /// <summary>
    /// The certificate scan, then the finding alerts' escalations and repeats. A failed certificate scan does not hold back
    /// the findings' messages (on-call still hears of a broken server); the run fails with it afterwards.
    /// </summary>
    public override async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        ExceptionDispatchInfo? scanFailed = null;
        try
        {
            await ScanCertificatesAsync(services, ct);
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            scanFailed = ExceptionDispatchInfo.Capture(e);
        }

        try
        {
            // In its own scope: what a failed scan left tracked in its DbContext must not be saved by this pass.
            await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateSystemScope();
            await EscalateFindingAlertsAsync(scope.ServiceProvider, ct);
        }
        catch (Exception e) when (scanFailed is not null)
        {
            throw new AggregateException("Both the certificate alert scan and the finding alerts failed.", scanFailed.SourceException, e);
        }

        scanFailed?.Throw();
    }

    private async Task ScanCertificatesAsync(IServiceProvider services, CancellationToken ct)
    {
        var outcome = await services.GetRequiredService<ScanAlerts>().RunAsync(ct);
        if (outcome.Opened + outcome.Resolved + outcome.Notifications > 0)
        {
            logger.LogInformation(
                "Alert scan: {Opened} opened, {Resolved} resolved, {Notifications} notification(s) queued; {Open} open over {Watched} watched certificates",
                outcome.Opened, outcome.Resolved, outcome.Notifications, outcome.Open, outcome.Watched);
        }
    }

    // Critical findings' alerts open and resolve with their evaluation; their escalations and repeats are due here.
    private async Task EscalateFindingAlertsAsync(IServiceProvider services, CancellationToken ct)
    {
        var findings = await services.GetRequiredService<FindingAlerts>().RunAsync(ct);
        if (findings.Resolved + findings.Notifications > 0)
        {
            logger.LogInformation("Finding alerts: {Resolved} resolved, {Notifications} notification(s) queued; {Open} open", findings.Resolved, findings.Notifications, findings.Open);
        }
    }
}
