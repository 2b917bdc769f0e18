using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Agents;

namespace VpnPortal.Web.Features.Agents;

/// <summary>The enrolled agents: list them with their presence, revoke one.</summary>
public sealed class Agents(PortalDbContext db, TimeProvider time, IOptions<AgentOptions> options, FleetEvents events)
{
    public sealed record AgentRow(
        Guid Id, Guid ServerId, string ServerName, ServerRole Role, string MachineName, string? HostFqdn, string? OsVersion,
        string? AgentVersion, DateTimeOffset EnrolledAt, DateTimeOffset? LastSeenAt, DateTimeOffset? RevokedAt,
        string? RevokedReason, AgentPresenceState Presence);

    /// <summary>Agents, current ones first; revoked ones only when <paramref name="includeRevoked"/>.</summary>
    public async Task<List<AgentRow>> ListAsync(bool includeRevoked, CancellationToken ct = default)
    {
        var query = db.Agents.AsNoTracking();
        if (!includeRevoked)
        {
            query = query.Where(a => a.RevokedAt == null);
        }

        var rows = await query
            .Select(a => new
            {
                a.Id,
                a.ServerId,
                ServerName = a.Server!.Name,
                a.Role,
                a.MachineName,
                a.HostFqdn,
                a.OsVersion,
                a.AgentVersion,
                a.EnrolledAt,
                a.LastSeenAt,
                a.RevokedAt,
                a.RevokedReason,
            })
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        return rows
            .Select(a => new AgentRow(
                a.Id, a.ServerId, a.ServerName, a.Role, a.MachineName, a.HostFqdn, a.OsVersion, a.AgentVersion, a.EnrolledAt,
                a.LastSeenAt, a.RevokedAt, a.RevokedReason,
                AgentPresence.Classify(a.LastSeenAt, a.RevokedAt, now, options.Value.ReportInterval)))
            .OrderBy(a => a.RevokedAt is not null)
            .ThenBy(a => a.ServerName, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>Revokes an agent: its credential gets 401 from now on and it stops. Revoking a revoked agent changes nothing and succeeds.</summary>
    public async Task<CommandResult> RevokeAsync(Guid agentId, Guid? revokedByUserId, CancellationToken ct = default)
    {
        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == agentId, ct);
        if (agent is null)
        {
            return CommandResult.NotFound("That agent does not exist.");
        }

        if (agent.RevokedAt is not null)
        {
            return CommandResult.Ok(agent.Id);
        }

        agent.RevokedAt = time.GetUtcNow();
        agent.RevokedByUserId = revokedByUserId;
        agent.RevokedReason = "Revoked by an admin";
        await db.SaveChangesAsync(ct);
        events.Publish(new FleetChange(FleetChangeKind.AgentsChanged, agent.ServerId));
        return CommandResult.Ok(agent.Id);
    }
}
