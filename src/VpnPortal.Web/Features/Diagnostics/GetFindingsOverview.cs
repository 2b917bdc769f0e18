using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Diagnostics;
using VpnPortal.Web.Features.Alerts;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// The dashboard's findings panel: open findings that need attention counted by severity, acknowledged ones and those
/// whose rule is suppressed on their server counted apart, and the worst needing attention first (severity, then age). A
/// finding about the fleet counts once, however many servers report it.
/// </summary>
public sealed class GetFindingsOverview(PortalDbContext db, TimeProvider time)
{
    public const int WorstCount = 8;

    public sealed record Worst(Guid Id, Guid? ServerId, string ServerName, string ServerPage, string RuleId, string Severity, string Title, DateTimeOffset OpenedAt);

    public sealed record Overview(int Critical, int Warning, int Info, int Acknowledged, int Suppressed, IReadOnlyList<Worst> WorstFirst)
    {
        public int NeedingAttention => Critical + Warning + Info;
    }

    public async Task<Overview> RunAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var open = db.DiagnosticFindings.AsNoTracking().Where(f => f.ResolvedAt == null);
        var active = db.DiagnosticSuppressions.Where(s => s.LiftedAt == null && s.ExpiresAt > now);

        // A finding about the fleet counts as suppressed only when its rule is suppressed on every server that reports it.
        var counts = await open
            .Select(f => new
            {
                f.Severity,
                Acknowledged = f.AcknowledgedAt != null,
                Suppressed = f.ServerId != null
                    ? active.Any(s => s.ServerId == f.ServerId && s.RuleId == f.RuleId)
                    : f.ServerIds.Any() && f.ServerIds.All(id => active.Any(s => s.ServerId == id && s.RuleId == f.RuleId)),
            })
            .GroupBy(f => new { f.Severity, f.Acknowledged, f.Suppressed })
            .Select(g => new { g.Key.Severity, g.Key.Acknowledged, g.Key.Suppressed, Count = g.Count() })
            .ToListAsync(ct);
        int Active(FindingSeverity severity) => counts.Where(c => c.Severity == (int)severity && !c.Acknowledged && !c.Suppressed).Sum(c => c.Count);

        var worst = await open
            .Where(f => f.AcknowledgedAt == null
                && !(f.ServerId != null
                    ? active.Any(s => s.ServerId == f.ServerId && s.RuleId == f.RuleId)
                    : f.ServerIds.Any() && f.ServerIds.All(id => active.Any(s => s.ServerId == id && s.RuleId == f.RuleId))))
            .OrderByDescending(f => f.Severity).ThenBy(f => f.OpenedAt).ThenBy(f => f.Id)
            .Take(WorstCount)
            .Select(f => new { f.Id, f.ServerId, f.ServerIds, ServerName = f.Server == null ? null : f.Server.Name, Role = f.Server == null ? (ServerRole?)null : f.Server.Role, f.RuleId, f.Severity, f.Title, f.OpenedAt })
            .ToListAsync(ct);
        var fleetServers = worst.Where(f => f.ServerId is null).SelectMany(f => f.ServerIds).Distinct().ToList();
        var names = fleetServers.Count == 0
            ? []
            : await db.Servers.AsNoTracking().Where(s => fleetServers.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        return new Overview(
            Active(FindingSeverity.Critical),
            Active(FindingSeverity.Warning),
            Active(FindingSeverity.Info),
            counts.Where(c => c.Acknowledged && !c.Suppressed).Sum(c => c.Count),
            counts.Where(c => c.Suppressed).Sum(c => c.Count),
            worst.Select(f => f.ServerId is { } id
                    ? new Worst(f.Id, id, f.ServerName!, $"servers/{(f.Role == ServerRole.Nps ? "nps" : "rras")}/{id}", f.RuleId, ListFindings.SeverityText(f.Severity), f.Title, f.OpenedAt)
                    : new Worst(
                        f.Id, null, string.Join(", ", f.ServerIds.Select(names.GetValueOrDefault).OfType<string>().Order(StringComparer.OrdinalIgnoreCase)),
                        FindingAlerts.FleetPath(f.RuleId).TrimStart('/'), f.RuleId, ListFindings.SeverityText(f.Severity), f.Title, f.OpenedAt))
                .ToList());
    }
}
