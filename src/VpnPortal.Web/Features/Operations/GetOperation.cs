using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Operations;

/// <summary>A fleet operation with each server's command and result, and an outcome a person can trust.</summary>
public sealed class GetOperation(PortalDbContext db, TimeProvider time)
{
    public sealed record ServerStep(Guid ServerId, string ServerName, Guid CommandId, string Status, string? Result, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt);

    /// <summary>A reconnection caught by the enforcement window and the disconnect sent for it.</summary>
    public sealed record Redisconnect(Guid ServerId, string ServerName, DateTimeOffset DetectedAt, DateTimeOffset SessionStartedAt, Guid CommandId, string Status, string? Result);

    /// <summary>State is active, ended (its time ran out) or ended-early (an admin ended it).</summary>
    public sealed record Enforcement(DateTimeOffset StartsAt, DateTimeOffset EndsAt, DateTimeOffset? EndedEarlyAt, string State, IReadOnlyList<Redisconnect> Redisconnects);

    /// <summary>
    /// State is running, completed or completed-with-errors; Outcome reads e.g. "ended on 3 of 3 servers" or
    /// "ended on 2 of 3 servers; VPN02 did not answer: expired".
    /// </summary>
    public sealed record Detail(
        Guid Id, string Kind, string Target, DateTimeOffset CreatedAt, string State, string Outcome, IReadOnlyList<ServerStep> Servers, Enforcement? Enforcement);

    public async Task<Detail?> RunAsync(Guid id, CancellationToken ct = default)
    {
        var operation = await db.FleetOperations.AsNoTracking().Where(o => o.Id == id)
            .Select(o => new { o.Id, o.Kind, o.Target, o.CreatedAt })
            .FirstOrDefaultAsync(ct);
        if (operation is null)
        {
            return null;
        }

        var commands = await db.AgentCommands.AsNoTracking().Where(c => c.OperationId == id)
            .Select(c => new { c.ServerId, ServerName = c.Server!.Name, c.Id, c.Status, c.ResultMessage, c.CreatedAt, c.CompletedAt })
            .ToListAsync(ct);
        var enforcement = await db.DisconnectEnforcements.AsNoTracking().Where(e => e.OperationId == id)
            .Select(e => new { e.StartsAt, e.EndsAt, e.EndedEarlyAt })
            .FirstOrDefaultAsync(ct);
        var redisconnects = enforcement is null
            ? []
            : await db.EnforcedDisconnects.AsNoTracking().Where(r => r.Enforcement!.OperationId == id)
                .Select(r => new { r.ServerId, r.CommandId, r.DetectedAt, r.SessionStartedAt })
                .ToListAsync(ct);

        // The operation's own steps are its first command per server; re-disconnects are listed on their own.
        var redisconnectCommands = redisconnects.Select(r => r.CommandId).ToHashSet();
        var steps = commands.Where(c => !redisconnectCommands.Contains(c.Id)).ToList();
        var servers = steps
            .OrderBy(s => s.ServerName, StringComparer.OrdinalIgnoreCase)
            .Select(s => new ServerStep(s.ServerId, s.ServerName, s.Id, StatusText(s.Status), s.ResultMessage, s.CreatedAt, s.CompletedAt))
            .ToList();
        var done = steps.Count(s => s.Status == AgentCommandStatus.Succeeded);
        var running = steps.Count(s => s.Status is AgentCommandStatus.Queued or AgentCommandStatus.Delivered);
        var problems = steps
            .Where(s => s.Status is AgentCommandStatus.Failed or AgentCommandStatus.Expired or AgentCommandStatus.Cancelled)
            .OrderBy(s => s.ServerName, StringComparer.OrdinalIgnoreCase)
            .Select(s => s.Status == AgentCommandStatus.Expired ? $"{s.ServerName} did not answer: expired" : $"{s.ServerName}: {StatusText(s.Status)} ({s.ResultMessage})")
            .ToList();
        var outcome = steps.Count == 0
            ? "no live session when it started"
            : $"ended on {done} of {steps.Count} server{(steps.Count == 1 ? "" : "s")}"
                + (problems.Count > 0 ? "; " + string.Join("; ", problems) : "")
                + (running > 0 ? $"; {running} still running" : "");
        var state = running > 0 ? "running" : problems.Count == 0 ? "completed" : "completed-with-errors";

        Enforcement? window = null;
        if (enforcement is not null)
        {
            var byId = commands.ToDictionary(c => c.Id);
            var list = redisconnects
                .OrderBy(r => r.DetectedAt)
                .Select(r => byId.TryGetValue(r.CommandId, out var c)
                    ? new Redisconnect(r.ServerId, c.ServerName, r.DetectedAt, r.SessionStartedAt, r.CommandId, StatusText(c.Status), c.ResultMessage)
                    : null)
                .OfType<Redisconnect>()
                .ToList();
            var windowState = enforcement.EndedEarlyAt is not null ? "ended-early" : enforcement.EndsAt > time.GetUtcNow() ? "active" : "ended";
            window = new Enforcement(enforcement.StartsAt, enforcement.EndsAt, enforcement.EndedEarlyAt, windowState, list);
            if (list.Count > 0)
            {
                outcome += $"; disconnected again {list.Count} time{(list.Count == 1 ? "" : "s")} after reconnecting";
            }
        }

        return new Detail(operation.Id, operation.Kind, operation.Target, operation.CreatedAt, state, outcome, servers, window);
    }

    private static string StatusText(AgentCommandStatus status) => status.ToString().ToLowerInvariant();
}
