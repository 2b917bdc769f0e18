using Microsoft.EntityFrameworkCore;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Sessions;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Jobs;

namespace VpnPortal.Web.Features.Disconnects;

/// <summary>
/// Keeps identities under an enforcement window off the VPN: whenever a server reports a session of one that the
/// portal first saw after that server's last disconnect for it, it is disconnected again and the re-disconnect
/// recorded for the admin.
/// </summary>
public sealed class DisconnectEnforcer(IServiceScopeFactory scopes, FleetEvents events, ILogger<DisconnectEnforcer> logger, IConfiguration configuration)
    : FleetReactor(scopes, events, logger, TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Jobs:EnforcementSweepSeconds", 30))))
{
    /// <summary>Who re-disconnects are requested by, in command histories.</summary>
    public static readonly AuditActor Actor = new(AuditActorKind.System, null, "enforcement window");

    protected override bool Wants(FleetChange change) => change.Kind == FleetChangeKind.ServerReported;

    public override async Task RunAsync(IServiceProvider services, IReadOnlySet<Guid>? serverIds, CancellationToken ct)
    {
        var db = services.GetRequiredService<PortalDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var active = await db.DisconnectEnforcements.AsNoTracking()
            .Where(e => e.EndedEarlyAt == null && e.EndsAt > now)
            .Select(e => new { e.Id, e.OperationId, e.Identity })
            .ToListAsync(ct);
        if (active.Count == 0)
        {
            return;
        }

        var queue = services.GetRequiredService<AgentCommandQueue>();
        foreach (var enforcement in active)
        {
            var (identity, _) = VpnIdentity.Parse(enforcement.Identity);
            if (identity is null)
            {
                continue; // stored only after parsing: cannot happen unless edited by hand
            }

            var connected = await StartDisconnect.ServersWithLiveSessionsAsync(db, identity, serverIds?.ToList(), ct);
            if (connected.Count == 0)
            {
                continue;
            }

            var ids = connected.Select(c => c.ServerId).ToList();
            var previous = await db.AgentCommands.AsNoTracking()
                .Where(c => c.OperationId == enforcement.OperationId && ids.Contains(c.ServerId) && c.Kind == AgentCommandKinds.DisconnectUser)
                .GroupBy(c => c.ServerId)
                .Select(g => new
                {
                    ServerId = g.Key,
                    Pending = g.Any(c => c.Status == AgentCommandStatus.Queued || c.Status == AgentCommandStatus.Delivered),
                    Last = g.Max(c => c.CreatedAt),
                })
                .ToDictionaryAsync(p => p.ServerId, ct);
            foreach (var server in connected)
            {
                // A session the portal knew before this server's last disconnect is that disconnect's to end (the report
                // may predate it); one disconnect at a time per server. Both times are the portal's clock.
                if (previous.TryGetValue(server.ServerId, out var last) && (last.Pending || server.LatestFirstSeen <= last.Last))
                {
                    continue;
                }

                // The command and its record are saved together: a re-disconnect is never shown without its command.
                var command = queue.Stage(
                    server.ServerId, AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = server.NameAsReported }, Actor, enforcement.OperationId);
                db.EnforcedDisconnects.Add(new EnforcedDisconnect
                {
                    Id = Guid.NewGuid(),
                    EnforcementId = enforcement.Id,
                    ServerId = server.ServerId,
                    CommandId = command.Id,
                    DetectedAt = now,
                    SessionStartedAt = server.LatestStart,
                });
                await db.SaveChangesAsync(ct);
                queue.Announce(server.ServerId);
                logger.LogInformation("{Identity} reconnected to {Server} during its enforcement window; disconnecting it again", identity.Name, server.ServerName);
            }
        }
    }
}
