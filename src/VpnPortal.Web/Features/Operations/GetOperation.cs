using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Operations;

/// <summary>A fleet operation with each server's command and result, and an outcome a person can trust.</summary>
public sealed class GetOperation(PortalDbContext db)
{
    public sealed record ServerStep(Guid ServerId, string ServerName, Guid CommandId, string Status, string? Result, DateTimeOffset? CompletedAt);

    /// <summary>
    /// State is running, completed or completed-with-errors; Outcome reads e.g. "ended on 3 of 3 servers" or
    /// "ended on 2 of 3 servers; VPN02 did not answer: expired".
    /// </summary>
    public sealed record Detail(Guid Id, string Kind, string Target, DateTimeOffset CreatedAt, string State, string Outcome, IReadOnlyList<ServerStep> Servers);

    public async Task<Detail?> RunAsync(Guid id, CancellationToken ct = default)
    {
        var operation = await db.FleetOperations.AsNoTracking().Where(o => o.Id == id)
            .Select(o => new { o.Id, o.Kind, o.Target, o.CreatedAt })
            .FirstOrDefaultAsync(ct);
        if (operation is null)
        {
            return null;
        }

        var steps = await db.AgentCommands.AsNoTracking().Where(c => c.OperationId == id)
            .Select(c => new { c.ServerId, ServerName = c.Server!.Name, c.Id, c.Status, c.ResultMessage, c.CompletedAt })
            .ToListAsync(ct);
        var servers = steps
            .OrderBy(s => s.ServerName, StringComparer.OrdinalIgnoreCase)
            .Select(s => new ServerStep(s.ServerId, s.ServerName, s.Id, s.Status.ToString().ToLowerInvariant(), s.ResultMessage, s.CompletedAt))
            .ToList();
        var done = steps.Count(s => s.Status == AgentCommandStatus.Succeeded);
        var finished = steps.All(s => s.Status is not (AgentCommandStatus.Queued or AgentCommandStatus.Delivered));
        var problems = steps
            .Where(s => s.Status is AgentCommandStatus.Failed or AgentCommandStatus.Expired or AgentCommandStatus.Cancelled)
            .OrderBy(s => s.ServerName, StringComparer.OrdinalIgnoreCase)
            .Select(s => s.Status == AgentCommandStatus.Expired ? $"{s.ServerName} did not answer: expired" : $"{s.ServerName}: {s.Status.ToString().ToLowerInvariant()} ({s.ResultMessage})")
            .ToList();
        var outcome = $"ended on {done} of {steps.Count} server{(steps.Count == 1 ? "" : "s")}"
            + (problems.Count > 0 ? "; " + string.Join("; ", problems) : "")
            + (finished ? "" : $"; {steps.Count(s => s.Status is AgentCommandStatus.Queued or AgentCommandStatus.Delivered)} still running");
        var state = !finished ? "running" : problems.Count == 0 ? "completed" : "completed-with-errors";
        return new Detail(operation.Id, operation.Kind, operation.Target, operation.CreatedAt, state, outcome, servers);
    }
}
