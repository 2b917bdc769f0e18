using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Agents;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Features.Servers.Live;

/// <summary>A server's agent (presence, last report) and the latest commands queued for it.</summary>
public sealed class GetServerActivity(PortalDbContext db, TimeProvider time, IOptions<AgentOptions> options)
{
    public const int CommandCount = 50;

    /// <summary>The server's current agent; null fields when it never had one.</summary>
    public sealed record AgentStatus(
        Guid? AgentId, string? MachineName, string? AgentVersion, DateTimeOffset? EnrolledAt, DateTimeOffset? LastSeenAt,
        DateTimeOffset? LastReportAt, DateTimeOffset? RevokedAt, string? RevokedReason, AgentPresenceState? Presence)
    {
        public bool HasAgent => AgentId is not null;

        /// <summary>Commands reach an enrolled, unrevoked agent; anything else would only expire in the queue.</summary>
        public bool CanTakeCommands => HasAgent && RevokedAt is null;
    }

    public sealed record CommandRow(
        Guid Id, string Kind, string RequestedBy, DateTimeOffset CreatedAt, AgentCommandStatus Status, int Deliveries,
        DateTimeOffset? DeliveredAt, DateTimeOffset? CompletedAt, string? ResultMessage);

    public sealed record Activity(AgentStatus Agent, IReadOnlyList<CommandRow> Commands);

    public async Task<Activity?> RunAsync(Guid serverId, CancellationToken ct = default)
    {
        var server = await db.Servers.AsNoTracking().Where(s => s.Id == serverId)
            .Select(s => new
            {
                s.LastReportAt,
                Agent = s.Agent == null ? null : new { s.Agent.Id, s.Agent.MachineName, s.Agent.AgentVersion, s.Agent.EnrolledAt, s.Agent.LastSeenAt, s.Agent.RevokedAt, s.Agent.RevokedReason },
            })
            .FirstOrDefaultAsync(ct);
        if (server is null)
        {
            return null;
        }

        var a = server.Agent;
        var status = a is null
            ? new AgentStatus(null, null, null, null, null, server.LastReportAt, null, null, null)
            : new AgentStatus(a.Id, a.MachineName, a.AgentVersion, a.EnrolledAt, a.LastSeenAt, server.LastReportAt, a.RevokedAt, a.RevokedReason,
                AgentPresence.Classify(a.LastSeenAt, a.RevokedAt, time.GetUtcNow(), options.Value.ReportInterval));

        var commands = await db.AgentCommands.AsNoTracking().Where(c => c.ServerId == serverId)
            .OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .Take(CommandCount)
            .Select(c => new CommandRow(c.Id, c.Kind, c.RequestedBy, c.CreatedAt, c.Status, c.Deliveries, c.DeliveredAt, c.CompletedAt, c.ResultMessage))
            .ToListAsync(ct);
        return new Activity(status, commands);
    }
}
