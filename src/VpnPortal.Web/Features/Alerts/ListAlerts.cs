using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Alerts;
using VpnPortal.Web.Components.Grids;

namespace VpnPortal.Web.Features.Alerts;

/// <summary>Alerts, open ones first, then the worst and newest, with filters.</summary>
public sealed class ListAlerts(PortalDbContext db)
{
    public const int MaxTake = 500;

    /// <summary>State: open (firing or acknowledged; default), firing, acknowledged, resolved or all. MinSeverity: that one or worse. Kind: certificate-expiry, finding or null for both.</summary>
    public sealed record Query(
        string State = "open", AlertSeverity? MinSeverity = null, string? Search = null, int Skip = 0, int Take = 100, string? Kind = null, IReadOnlyList<SortBy>? Sorts = null)
    {
        /// <summary>The same filters for a page of a table, ordered by its columns.</summary>
        public Query ForPage(TableRequest page) => this with { Skip = page.Skip, Take = page.Take, Sorts = page.Sorts };
    }

    /// <summary>
    /// The columns a table can order alerts by, named as <see cref="AlertRow"/>'s properties; without one of them, open
    /// before resolved, then the worst and the soonest to expire.
    /// </summary>
    public static SortMap<Alert> Sorting { get; } = new SortMap<Alert>(nameof(AlertRow.OpenedAt), defaultDescending: true)
        .Add(nameof(AlertRow.Title), a => a.Title)
        .Add(nameof(AlertRow.Severity), a => a.Severity)
        .Add(nameof(AlertRow.NotAfter), a => a.NotAfter)
        .Add(nameof(AlertRow.State), a => a.State)
        .Add(nameof(AlertRow.OpenedAt), a => a.OpenedAt)
        .TieBreak(a => a.Id);

    public sealed record AlertRow(
        Guid Id, string Kind, string Title, string? Sha1Thumbprint, string State, string Severity, string? Step, DateTimeOffset? NotAfter,
        IReadOnlyList<string> Purposes, IReadOnlyList<string> InstalledOn, DateTimeOffset OpenedAt, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy,
        DateTimeOffset? ResolvedAt, string? Resolution, Guid? FindingId = null, string? RuleId = null);

    public sealed record Page(IReadOnlyList<AlertRow> Items, int Total, int Skip, int Take);

    public static readonly string[] States = ["open", "firing", "acknowledged", "resolved", "all"];

    public const string CertificateExpiryKind = "certificate-expiry";
    public const string FindingKind = "finding";

    public static readonly string[] Kinds = [CertificateExpiryKind, FindingKind];

    public async Task<Page> RunAsync(Query q, CancellationToken ct = default)
    {
        var query = db.Alerts.AsNoTracking();
        query = q.State switch
        {
            "firing" => query.Where(a => a.State == AlertState.Firing),
            "acknowledged" => query.Where(a => a.State == AlertState.Acknowledged),
            "resolved" => query.Where(a => a.State == AlertState.Resolved),
            "all" => query,
            _ => query.Where(a => a.State != AlertState.Resolved),
        };
        if (q.Kind is { } kind)
        {
            var k = kind == FindingKind ? AlertKind.Finding : AlertKind.CertificateExpiry;
            query = query.Where(a => a.Kind == k);
        }

        if (q.MinSeverity is { } min)
        {
            var level = (int)min;
            query = query.Where(a => a.Severity >= level);
        }

        if (!string.IsNullOrWhiteSpace(q.Search))
        {
            var s = q.Search.Trim().ToUpper();
            query = query.Where(a => a.Title.ToUpper().Contains(s) || a.Sha1Thumbprint!.Contains(s));
        }

        var total = await query.CountAsync(ct);
        var take = Math.Clamp(q.Take, 1, MaxTake);
        var ordered = q.Sorts is { Count: > 0 } sorts && sorts.Any(s => Sorting.Knows(s.Column))
            ? Sorting.Apply(query, sorts)
            : query.OrderBy(a => a.State == AlertState.Resolved).ThenByDescending(a => a.Severity).ThenBy(a => a.NotAfter).ThenBy(a => a.Id);
        var alerts = await ordered
            .Skip(Math.Max(0, q.Skip)).Take(take)
            .ToListAsync(ct);
        return new Page(alerts.Select(Row).ToList(), total, Math.Max(0, q.Skip), take);
    }

    public static AlertRow Row(Alert a) => new(
        a.Id,
        a.Kind == AlertKind.CertificateExpiry ? CertificateExpiryKind : FindingKind,
        a.Title,
        a.Sha1Thumbprint,
        StateText(a.State),
        AlertContent.SeverityText(a.Severity),
        a.StepDays is { } d ? new AlertStep(d).ToString() : null,
        a.NotAfter,
        a.Purposes.Select(AlertContent.PurposeText).ToList(),
        a.InstalledOn.Select(i => AlertContent.Where(Display(i))).ToList(),
        a.OpenedAt,
        a.AcknowledgedAt,
        a.AcknowledgedBy,
        a.ResolvedAt,
        a.ResolutionDetail,
        a.FindingId,
        a.Kind == AlertKind.Finding ? a.Subject : null);

    /// <summary>The installation with its store as people read it.</summary>
    public static AlertInstallation Display(AlertInstallation i) => new()
    {
        ServerId = i.ServerId,
        ServerName = i.ServerName,
        Store = Enum.TryParse<WatchedStore>(i.Store, out var s) ? CertificatePurposes.Describe(s) : i.Store,
        Purposes = i.Purposes,
    };

    public static string StateText(AlertState state) => state.ToString().ToLowerInvariant();
}
