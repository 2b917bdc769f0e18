using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Domain.Diagnostics;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>Findings, worst and newest first, with filters.</summary>
public sealed class ListFindings(PortalDbContext db)
{
    public const int MaxTake = 500;

    /// <summary>State: open (default), resolved or all. Severity: info, warning or critical (that one or worse).</summary>
    public sealed record Query(Guid? ServerId = null, string? Rule = null, FindingSeverity? MinSeverity = null, string State = "open", int Skip = 0, int Take = 100);

    public sealed record EvidenceRow(string Label, string Value);

    public sealed record FindingRow(
        Guid Id, Guid ServerId, string ServerName, string RuleId, string Key, string Severity, string Title, string Summary,
        IReadOnlyList<EvidenceRow> Evidence, IReadOnlyList<string> FixSteps, DateTimeOffset OpenedAt, DateTimeOffset LastSeenAt, DateTimeOffset? ResolvedAt);

    public sealed record Page(IReadOnlyList<FindingRow> Items, int Total, int Skip, int Take);

    public static string SeverityText(int severity) => ((FindingSeverity)severity).ToString().ToLowerInvariant();

    public async Task<Page> RunAsync(Query q, CancellationToken ct = default)
    {
        var query = db.DiagnosticFindings.AsNoTracking().AsQueryable();
        query = q.State switch
        {
            "resolved" => query.Where(f => f.ResolvedAt != null),
            "all" => query,
            _ => query.Where(f => f.ResolvedAt == null),
        };
        if (q.ServerId is { } server)
        {
            query = query.Where(f => f.ServerId == server);
        }

        if (!string.IsNullOrWhiteSpace(q.Rule))
        {
            var rule = q.Rule.Trim();
            query = query.Where(f => f.RuleId == rule);
        }

        if (q.MinSeverity is { } minimum)
        {
            var level = (int)minimum;
            query = query.Where(f => f.Severity >= level);
        }

        var total = await query.CountAsync(ct);
        var take = Math.Clamp(q.Take, 1, MaxTake);
        var rows = await query
            .OrderByDescending(f => f.ResolvedAt == null).ThenByDescending(f => f.Severity).ThenByDescending(f => f.OpenedAt).ThenBy(f => f.Id)
            .Skip(Math.Max(0, q.Skip)).Take(take)
            .Select(f => new { f.Id, f.ServerId, ServerName = f.Server!.Name, f.RuleId, f.Key, f.Severity, f.Title, f.Summary, f.Evidence, f.FixSteps, f.OpenedAt, f.LastSeenAt, f.ResolvedAt })
            .ToListAsync(ct);
        return new Page(
            rows.Select(f => new FindingRow(
                f.Id, f.ServerId, f.ServerName, f.RuleId, f.Key, SeverityText(f.Severity), f.Title, f.Summary,
                f.Evidence.Select(e => new EvidenceRow(e.Label, e.Value)).ToList(), f.FixSteps, f.OpenedAt, f.LastSeenAt, f.ResolvedAt)).ToList(),
            total,
            Math.Max(0, q.Skip),
            take);
    }
}
