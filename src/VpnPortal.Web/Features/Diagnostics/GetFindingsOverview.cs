using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Diagnostics;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// The dashboard's findings panel: open findings that need attention counted by severity, acknowledged ones and those
/// whose rule is suppressed on their server counted apart, and the worst needing attention first (severity, then age).
/// </summary>
public sealed class GetFindingsOverview(PortalDbContext db, TimeProvider time)
{
    public const int WorstCount = 8;

    public sealed record Worst(Guid Id, Guid ServerId, string ServerName, string ServerPage, string RuleId, string Severity, string Title, DateTimeOffset OpenedAt);

    public sealed record Overview(int Critical, int Warning, int Info, int Acknowledged, int Suppressed, IReadOnlyList<Worst> WorstFirst)
    {
        public int NeedingAttention => Critical + Warning + Info;
    }

    public async Task<Overview> RunAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var open = db.DiagnosticFindings.AsNoTracking().Where(f => f.ResolvedAt == null);
        var counts = await open
            .Select(f => new
            {
                f.Severity,
                Acknowledged = f.AcknowledgedAt != null,
                Suppressed = db.DiagnosticSuppressions.Any(s => s.ServerId == f.ServerId && s.RuleId == f.RuleId && s.LiftedAt == null && s.ExpiresAt > now),
            })
            .GroupBy(f => new { f.Severity, f.Acknowledged, f.Suppressed })
            .Select(g => new { g.Key.Severity, g.Key.Acknowledged, g.Key.Suppressed, Count = g.Count() })
            .ToListAsync(ct);
        int Active(FindingSeverity severity) => counts.Where(c => c.Severity == (int)severity && !c.Acknowledged && !c.Suppressed).Sum(c => c.Count);

        var worst = await open
            .Where(f => f.AcknowledgedAt == null
                && !db.DiagnosticSuppressions.Any(s => s.ServerId == f.ServerId && s.RuleId == f.RuleId && s.LiftedAt == null && s.ExpiresAt > now))
            .OrderByDescending(f => f.Severity).ThenBy(f => f.OpenedAt).ThenBy(f => f.Id)
            .Take(WorstCount)
            .Select(f => new { f.Id, f.ServerId, ServerName = f.Server!.Name, f.Server.Role, f.RuleId, f.Severity, f.Title, f.OpenedAt })
            .ToListAsync(ct);
        return new Overview(
            Active(FindingSeverity.Critical),
            Active(FindingSeverity.Warning),
            Active(FindingSeverity.Info),
            counts.Where(c => c.Acknowledged && !c.Suppressed).Sum(c => c.Count),
            counts.Where(c => c.Suppressed).Sum(c => c.Count),
            worst.Select(f => new Worst(
                f.Id, f.ServerId, f.ServerName, $"servers/{(f.Role == ServerRole.Nps ? "nps" : "rras")}/{f.ServerId}", f.RuleId, ListFindings.SeverityText(f.Severity), f.Title, f.OpenedAt))
                .ToList());
    }
}
