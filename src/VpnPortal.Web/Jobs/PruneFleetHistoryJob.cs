using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Jobs;

/// <summary>
/// Deletes connection samples, ended sessions and finished commands older than Agents:HistoryRetentionDays, then has
/// the database refresh its planner's statistics where it does not itself (<see cref="PlannerStatistics"/>). Runs at
/// start and every hour.
/// </summary>
public sealed class PruneFleetHistoryJob(IServiceScopeFactory scopes, ILogger<PruneFleetHistoryJob> logger, IConfiguration configuration)
    : PortalJob(scopes, logger, TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Jobs:PruneFleetHistorySeconds", 3600))))
{
    public override async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<PortalDbContext>();
        var days = services.GetRequiredService<IOptions<AgentOptions>>().Value.HistoryRetentionDays;
        var cutoff = services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-days);
        var samples = await db.ConnectionSamples.Where(s => s.BucketStart < cutoff).ExecuteDeleteAsync(ct);
        var sessions = await db.VpnSessions.Where(s => s.EndedAt < cutoff).ExecuteDeleteAsync(ct);
        var finished = db.AgentCommands
            .Where(c => c.CompletedAt < cutoff && c.Status != AgentCommandStatus.Queued && c.Status != AgentCommandStatus.Delivered);

        // A placement forgets a pruned last command. SQL Server allows no delete action for that reference (a second path
        // from servers to placements), so it is cleared here on every provider rather than by the database on two of them.
        await db.UntrustedCertificatePlacements
            .Where(p => finished.Any(c => c.Id == p.LastCommandId))
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.LastCommandId, (Guid?)null), ct);
        var commands = await finished.ExecuteDeleteAsync(ct);
        if (samples + sessions + commands > 0)
        {
            logger.LogInformation(
                "Pruned history older than {Days} days: {Samples} connection samples, {Sessions} ended sessions, {Commands} finished commands",
                days, samples, sessions, commands);
        }

        await PlannerStatistics.RefreshAsync(db, ct);
    }
}
