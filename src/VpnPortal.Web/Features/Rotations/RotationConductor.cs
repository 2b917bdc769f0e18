using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Jobs;

namespace VpnPortal.Web.Features.Rotations;

/// <summary>
/// Drives open SSTP rollouts: at once when one of their servers answers a command or reports, and every few seconds
/// for timeouts and maintenance windows. A rollout left mid-step by a restart is picked up by the first sweep.
/// </summary>
public sealed class RotationConductor(IServiceScopeFactory scopes, FleetEvents events, ILogger<RotationConductor> logger, IOptions<RotationOptions> options)
    : FleetReactor(scopes, events, logger, TimeSpan.FromSeconds(options.Value.SweepSeconds))
{
    protected override bool Wants(FleetChange change) => change.Kind is FleetChangeKind.ServerReported or FleetChangeKind.CommandChanged;

    public override async Task RunAsync(IServiceProvider services, IReadOnlySet<Guid>? serverIds, CancellationToken ct)
    {
        var db = services.GetRequiredService<PortalDbContext>();
        var open = db.SstpRotations.AsNoTracking().Where(r => r.Status == RotationStatus.Running || r.Status == RotationStatus.Stopped);
        if (serverIds is not null)
        {
            var ids = serverIds.ToList();
            open = open.Where(r => r.Servers.Any(s => ids.Contains(s.ServerId)));
        }

        foreach (var id in await open.OrderBy(r => r.CreatedAt).Select(r => r.Id).ToListAsync(ct))
        {
            // A fresh scope per rollout: one rollout's conflict or failure leaves nothing tracked for the next.
            await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<RotationEngine>().AdvanceAsync(id, ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another pass (another portal node, or an admin's retry/skip) moved it first: the next pass starts from that.
                logger.LogDebug("SSTP rollout {Rotation} changed under this pass; it is looked at again on the next change", id);
                Request(null);
            }
        }
    }
}
