using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Metrics;

namespace VpnPortal.Web.Features.Agents;

/// <summary>Queues commands for servers' agents; the agent's held poll picks them up at once.</summary>
public sealed class AgentCommandQueue(
    PortalDbContext db, TimeProvider time, IOptions<AgentOptions> options, CommandSignals signals, FleetEvents events, PortalMetrics metrics)
{
    /// <summary>Commands staged and not yet announced: counted as queued once a save has written them.</summary>
    private readonly List<AgentCommand> _staged = [];

    public sealed record Queued(Guid CommandId, Guid ServerId);

    /// <summary>
    /// Adds a command for <paramref name="serverId"/> (saved by this call, with an audit entry when a person asked).
    /// Refused when the command kind is unknown (invalid) or the server does not exist (not found).
    /// </summary>
    public async Task<CommandResult<Queued>> QueueAsync(
        Guid serverId, string kind, object? payload, AuditActor requestedBy, Guid? operationId = null, CancellationToken ct = default)
    {
        if (!AgentCommandKinds.All.Contains(kind))
        {
            return CommandResult<Queued>.Invalid("Kind", $"'{kind}' is not a command agents understand.");
        }

        var server = await db.Servers.AsNoTracking().Where(s => s.Id == serverId).Select(s => new { s.Id, s.Name }).FirstOrDefaultAsync(ct);
        if (server is null)
        {
            return CommandResult<Queued>.NotFound("That server does not exist; someone may have removed it.");
        }

        var command = Stage(serverId, kind, payload, requestedBy, operationId);
        if (requestedBy.IsAudited)
        {
            db.Audit("agent-command.queued", $"Queued {kind} for {server.Name}", "agent-command", command.Id.ToString(), after: new { Server = server.Name, Kind = kind });
        }

        await db.SaveChangesAsync(ct);
        Announce(serverId);
        return CommandResult<Queued>.Ok(new Queued(command.Id, serverId), command.Id);
    }

    /// <summary>
    /// Adds a command to the context without saving, so it is saved in one transaction with the caller's own changes
    /// (the caller checked the server and the kind). Call <see cref="Announce"/> after saving.
    /// </summary>
    public AgentCommand Stage(Guid serverId, string kind, object? payload, AuditActor requestedBy, Guid? operationId = null, TimeSpan? deliverWithin = null)
    {
        var now = time.GetUtcNow();
        var deliver = deliverWithin ?? TimeSpan.FromSeconds(options.Value.CommandDeliverWithinSeconds);
        var command = new AgentCommand
        {
            Id = Guid.NewGuid(),
            ServerId = serverId,
            OperationId = operationId,
            Kind = kind,
            PayloadJson = payload is null ? "{}" : JsonSerializer.Serialize(payload, AgentJson.Options),
            CreatedAt = now,
            DeliverBy = now + deliver,
            ExecuteBy = now + TimeSpan.FromSeconds(Math.Max(options.Value.CommandExecuteWithinSeconds, deliver.TotalSeconds)),
            RequestedBy = requestedBy.Name,
            RequestedByUserId = requestedBy.UserId,
        };
        db.AgentCommands.Add(command);
        _staged.Add(command);
        return command;
    }

    /// <summary>Wakes the server's held poll and open pages after staged commands were saved.</summary>
    public void Announce(Guid serverId)
    {
        // Saved: tracked as unchanged. One whose save failed was added still, or left the tracker when it was cleared.
        foreach (var command in _staged.Where(c => c.ServerId == serverId).ToList())
        {
            var state = db.Entry(command).State;
            if (state != EntityState.Added)
            {
                _staged.Remove(command);
            }

            if (state == EntityState.Unchanged)
            {
                metrics.CommandQueued(command.Kind);
            }
        }

        signals.Notify(serverId);
        events.Publish(new FleetChange(FleetChangeKind.CommandChanged, serverId));
    }
}
