using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Metrics;

namespace VpnPortal.Web.AgentApi;

/// <summary>
/// Hands a server's commands to its agent and records their results. Delivery is at least once: a command
/// delivered but not answered within <see cref="RedeliverAfter"/> is handed out again (the agent runs each id once
/// and resends its result). Commands whose deadline passed are expired instead of delivered. Every change of a
/// command's status is made under its concurrency token, so a cancel or an expiry racing a delivery or a result has
/// exactly one winner, and a terminal status (succeeded, failed, expired, cancelled) never changes.
/// </summary>
public sealed class CommandDelivery(
    PortalDbContext db, TimeProvider time, FleetEvents events, IEnumerable<ICommandPayloadSource> payloadSources, PortalMetrics metrics, ILogger<CommandDelivery> logger)
{
    public static readonly TimeSpan RedeliverAfter = TimeSpan.FromSeconds(60);

    /// <summary>At most this many commands per poll, oldest first; the rest come with the next poll.</summary>
    public const int BatchSize = 20;

    /// <summary>How often a delivery or a result is read again after losing a race to a cancel or an expiry.</summary>
    private const int Attempts = 3;

    /// <summary>
    /// Hands out the server's due commands (oldest first, at most <see cref="BatchSize"/>) and marks them delivered.
    /// Null when the agent was revoked or replaced since its request was authenticated: it gets nothing more.
    /// </summary>
    /// <param name="agentId">The polling agent, checked again here because a held poll outlives its authentication.</param>
    /// <param name="serverId">The polling agent's server: an agent only ever gets its own server's commands.</param>
    /// <param name="expireFirst">
    /// Ends this server's overdue commands first, so an agent back from an outage sees them as Expired at once. A held
    /// poll does it on its first read only: an UPDATE every few seconds per agent would compete with snapshot writes.
    /// </param>
    /// <param name="ct">Cancels the read.</param>
    public async Task<IReadOnlyList<AgentCommandMessage>?> TakeAsync(Guid agentId, Guid serverId, bool expireFirst, CancellationToken ct)
    {
        if (!await IsActiveAsync(agentId, serverId, ct))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (expireFirst)
        {
            await ExpireAsync(serverId, now, ct);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DeliverDueAsync(agentId, serverId, now, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                // A command was cancelled or expired between the read and the save: nothing of this pass was saved.
                db.ChangeTracker.Clear();
            }
        }
    }

    private Task<bool> IsActiveAsync(Guid agentId, Guid serverId, CancellationToken ct) =>
        db.Agents.AnyAsync(a => a.Id == agentId && a.ServerId == serverId && a.RevokedAt == null, ct);

    private async Task<IReadOnlyList<AgentCommandMessage>?> DeliverDueAsync(Guid agentId, Guid serverId, DateTimeOffset now, CancellationToken ct)
    {
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

        // Asked again now that commands were found: one queued after the agent was revoked is only seen once the
        // revocation is saved, so a revocation that came after the check above, and before them, is seen here.
        if (!await IsActiveAsync(agentId, serverId, ct))
        {
            return null;
        }

        var messages = new List<AgentCommandMessage>(due.Count);
        foreach (var command in due)
        {
            var (payload, refusal) = await PayloadAsync(command, ct);
            if (payload is null)
            {
                command.Status = AgentCommandStatus.Failed;
                command.CompletedAt = now;
                command.ResultMessage = Trim($"Not delivered: {refusal}");
                continue;
            }

            command.Status = AgentCommandStatus.Delivered;
            command.Deliveries++;
            command.DeliveredAt = now;
            messages.Add(new AgentCommandMessage { Id = command.Id, Kind = command.Kind, Payload = payload.Value, ExecuteBy = command.ExecuteBy, Delivery = command.Deliveries });
        }

        await db.SaveChangesAsync(ct);
        events.Publish(new FleetChange(FleetChangeKind.CommandChanged, serverId));
        foreach (var command in due)
        {
            if (command.Status == AgentCommandStatus.Delivered)
            {
                metrics.CommandDelivered(command.Kind, command.Deliveries, now - command.CreatedAt);
            }
            else
            {
                metrics.CommandsCompleted(command.Status);
            }
        }

        return messages;
    }

    /// <summary>
    /// The payload to hand out: the stored one, or the one a payload source prepares now (secrets). A payload that cannot
    /// be prepared fails this command with the reason; it never fails the poll, which would fail every poll after it.
    /// </summary>
    private async Task<(JsonElement? Payload, string? Refusal)> PayloadAsync(AgentCommand command, CancellationToken ct)
    {
        if (payloadSources.FirstOrDefault(p => p.Kind == command.Kind) is not { } source)
        {
            try
            {
                return (JsonSerializer.Deserialize<JsonElement>(command.PayloadJson), null);
            }
            catch (JsonException e)
            {
                logger.LogError(e, "Command {Command} ({Kind}) has a stored payload that is not JSON", command.Id, command.Kind);
                return (null, "its stored payload is damaged.");
            }
        }

        try
        {
            return await source.ExpandAsync(command, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The payload of command {Command} ({Kind}) could not be prepared", command.Id, command.Kind);
            return (null, $"the portal could not prepare its payload ({e.GetType().Name}).");
        }
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
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RecordOnceAsync(serverId, commandId, result, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                // Expired or cancelled meanwhile: read it again and answer from what it is now.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<(ResultStatus Status, string? Message)> RecordOnceAsync(Guid serverId, Guid commandId, CommandResultRequest result, CancellationToken ct)
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
            case AgentCommandStatus.Expired when command.LateOutcome is { } late:
                return late == outcome
                    ? (ResultStatus.AlreadyRecorded, null)
                    : (ResultStatus.Conflict, $"A late {late} result is already recorded for this command.");
            case AgentCommandStatus.Expired:
                // It ran after all. The command stays expired (whoever waited for it has moved on), but what happened
                // on the server is what the admin must see.
                command.LateOutcome = outcome;
                command.ResultMessage = Trim(
                    $"{command.ResultMessage} The result arrived after the deadline: {outcome.ToString().ToLowerInvariant()}{(message is null ? "." : $": {message}")}");
                await db.SaveChangesAsync(ct);
                events.Publish(new FleetChange(FleetChangeKind.CommandChanged, serverId));
                return (ResultStatus.Recorded, null);
        }

        command.Status = outcome;
        command.ResultMessage = message;
        command.CompletedAt = result.CompletedAt > time.GetUtcNow() ? time.GetUtcNow() : result.CompletedAt;
        await db.SaveChangesAsync(ct);
        metrics.CommandsCompleted(outcome);
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
                    .SetProperty(c => c.ResultMessage, "Expired: the server's agent did not collect it before its deadline (offline?).")
                    .SetProperty(c => c.Version, Guid.NewGuid()),
                ct);
        var unanswered = await query
            .Where(c => c.Status == AgentCommandStatus.Delivered && c.ExecuteBy <= now)
            .ExecuteUpdateAsync(
                s => s.SetProperty(c => c.Status, AgentCommandStatus.Expired)
                    .SetProperty(c => c.CompletedAt, now)
                    .SetProperty(c => c.ResultMessage, "Expired: delivered, but no result came back before its deadline.")
                    .SetProperty(c => c.Version, Guid.NewGuid()),
                ct);
        metrics.CommandsCompleted(AgentCommandStatus.Expired, notCollected + unanswered);
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
