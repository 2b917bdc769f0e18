using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.AgentApi;

/// <summary>
/// Hands a server's commands to its agent and records their results. Delivery is at least once: a command
/// delivered but not answered within <see cref="RedeliverAfter"/> is handed out again (the agent runs each id once
/// and resends its result). Commands whose deadline passed are expired instead of delivered.
/// </summary>
public sealed class CommandDelivery(PortalDbContext db, TimeProvider time, FleetEvents events, IEnumerable<ICommandPayloadSource> payloadSources)
{
    public static readonly TimeSpan RedeliverAfter = TimeSpan.FromSeconds(60);

    /// <summary>At most this many commands per poll, oldest first; the rest come with the next poll.</summary>
    public const int BatchSize = 20;

    /// <summary>Hands out the server's due commands (oldest first, at most <see cref="BatchSize"/>) and marks them delivered.</summary>
    /// <param name="serverId">The polling agent's server: an agent only ever gets its own server's commands.</param>
    /// <param name="expireFirst">
    /// Ends this server's overdue commands first, so an agent back from an outage sees them as Expired at once. A held
    /// poll does it on its first read only: an UPDATE every few seconds per agent would compete with snapshot writes.
    /// </param>
    /// <param name="ct">Cancels the read.</param>
    public async Task<IReadOnlyList<AgentCommandMessage>> TakeAsync(Guid serverId, bool expireFirst, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (expireFirst)
        {
            await ExpireAsync(serverId, now, ct);
        }

        var redeliverBefore = now - RedeliverAfter;
        var due = await db.AgentCommands
            .Where(c => c.ServerId == serverId
                && ((c.Status == AgentCommandStatus.Queued && c.DeliverBy > now)
                    || (c.Status == AgentCommandStatus.Delivered && c.ExecuteBy > now && c.DeliveredAt < redeliverBefore)))
            .OrderBy(c => c.CreatedAt)
            .Take(BatchSize)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return [];
        }

        var messages = new List<AgentCommandMessage>(due.Count);
        foreach (var command in due)
        {
            var payload = JsonSerializer.Deserialize<JsonElement>(command.PayloadJson);
            if (payloadSources.FirstOrDefault(p => p.Kind == command.Kind) is { } source)
            {
                var (expanded, refusal) = await source.ExpandAsync(command, ct);
                if (expanded is null)
                {
                    command.Status = AgentCommandStatus.Failed;
                    command.CompletedAt = now;
                    command.ResultMessage = Trim($"Not delivered: {refusal}");
                    continue;
                }

                payload = expanded.Value;
            }

            command.Status = AgentCommandStatus.Delivered;
            command.Deliveries++;
            command.DeliveredAt = now;
            messages.Add(new AgentCommandMessage { Id = command.Id, Kind = command.Kind, Payload = payload, ExecuteBy = command.ExecuteBy, Delivery = command.Deliveries });
        }

        await db.SaveChangesAsync(ct);
        events.Publish(new FleetChange(FleetChangeKind.CommandChanged, serverId));
        return messages;
    }

    public enum ResultStatus
    {
        Recorded,
        AlreadyRecorded,
        NotFound,
        Conflict,
    }

    /// <summary>Stores an agent's result for a command of its own server. Sending the same result again is harmless.</summary>
    public async Task<(ResultStatus Status, string? Message)> RecordResultAsync(Guid serverId, Guid commandId, CommandResultRequest result, CancellationToken ct)
    {
        // Another server's command is "not found": an agent learns nothing about commands that are not its own.
        var command = await db.AgentCommands.FirstOrDefaultAsync(c => c.Id == commandId && c.ServerId == serverId, ct);
        if (command is null)
        {
            return (ResultStatus.NotFound, "No such command for this server.");
        }

        var outcome = result.Outcome == CommandOutcome.Succeeded ? AgentCommandStatus.Succeeded : AgentCommandStatus.Failed;
        var message = Trim(result.Message);
        switch (command.Status)
        {
            case AgentCommandStatus.Succeeded or AgentCommandStatus.Failed:
                return command.Status == outcome
                    ? (ResultStatus.AlreadyRecorded, null)
                    : (ResultStatus.Conflict, $"A {command.Status} result is already recorded for this command.");
            case AgentCommandStatus.Cancelled:
                return (ResultStatus.Conflict, "The command was cancelled.");
            case AgentCommandStatus.Queued:
                return (ResultStatus.Conflict, "The command was never delivered to this agent.");
            case AgentCommandStatus.Expired when command.DeliveredAt is null:
                return (ResultStatus.Conflict, "The command expired before it was delivered.");
            case AgentCommandStatus.Expired:
                // It ran after all; what happened on the server is what the admin must see.
                message = Trim($"{message} (the result arrived after the deadline)");
                break;
        }

        command.Status = outcome;
        command.ResultMessage = message;
        command.CompletedAt = result.CompletedAt > time.GetUtcNow() ? time.GetUtcNow() : result.CompletedAt;
        await db.SaveChangesAsync(ct);
        events.Publish(new FleetChange(FleetChangeKind.CommandChanged, serverId));
        return (ResultStatus.Recorded, null);
    }

    /// <summary>Ends commands whose deadline passed: never collected by the deliver-by time, or no result by the execute-by time.</summary>
    public async Task<int> ExpireAsync(Guid? serverId, DateTimeOffset now, CancellationToken ct)
    {
        var query = db.AgentCommands.Where(c => serverId == null || c.ServerId == serverId);
        var notCollected = await query
            .Where(c => c.Status == AgentCommandStatus.Queued && c.DeliverBy <= now)
            .ExecuteUpdateAsync(
                s => s.SetProperty(c => c.Status, AgentCommandStatus.Expired)
                    .SetProperty(c => c.CompletedAt, now)
                    .SetProperty(c => c.ResultMessage, "Expired: the server's agent did not collect it before its deadline (offline?)."),
                ct);
        var unanswered = await query
            .Where(c => c.Status == AgentCommandStatus.Delivered && c.ExecuteBy <= now)
            .ExecuteUpdateAsync(
                s => s.SetProperty(c => c.Status, AgentCommandStatus.Expired)
                    .SetProperty(c => c.CompletedAt, now)
                    .SetProperty(c => c.ResultMessage, "Expired: delivered, but no result came back before its deadline."),
                ct);
        if (notCollected + unanswered > 0)
        {
            events.Publish(new FleetChange(FleetChangeKind.CommandChanged, serverId));
        }

        return notCollected + unanswered;
    }

    private static string? Trim(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        return value.Length <= Data.Configurations.FieldLimits.Notes ? value : value[..(Data.Configurations.FieldLimits.Notes - 1)] + "…";
    }
}
