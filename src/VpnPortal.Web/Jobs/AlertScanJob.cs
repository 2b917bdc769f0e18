using Quartz;
using VpnPortal.Web.Features.Alerts;

namespace VpnPortal.Web.Jobs;

/// <summary>The periodic alert scan. One at a time across the cluster; a missed firing is caught up once.</summary>
[DisallowConcurrentExecution]
public sealed class AlertScanJob(IServiceScopeFactory scopes, ILogger<AlertScanJob> logger) : QuartzJob(scopes, logger)
{
    public static readonly JobKey Key = new("alert-scan", "alerts");
    public static readonly TriggerKey TriggerKey = new("alert-scan", "alerts");

    public override async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var outcome = await services.GetRequiredService<ScanAlerts>().RunAsync(ct);
        if (outcome.Opened + outcome.Resolved + outcome.Notifications > 0)
        {
            logger.LogInformation(
                "Alert scan: {Opened} opened, {Resolved} resolved, {Notifications} notification(s) queued; {Open} open over {Watched} watched certificates",
                outcome.Opened, outcome.Resolved, outcome.Notifications, outcome.Open, outcome.Watched);
        }

        // Critical findings' alerts open and resolve with their evaluation; their escalations and repeats are due here.
        var findings = await services.GetRequiredService<FindingAlerts>().RunAsync(ct);
        if (findings.Resolved + findings.Notifications > 0)
        {
            logger.LogInformation("Finding alerts: {Resolved} resolved, {Notifications} notification(s) queued; {Open} open", findings.Resolved, findings.Notifications, findings.Open);
        }
    }
}
