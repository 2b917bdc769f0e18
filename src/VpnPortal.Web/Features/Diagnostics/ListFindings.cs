using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Diagnostics;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Features.Alerts;
using VpnPortal.Web.Features.Servers;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// Findings, open before resolved, worst and newest first, with filters; each says whether it is acknowledged or its rule
/// suppressed. A finding about the fleet (the forest's NTAuth store) is listed for each server that reports it.
/// </summary>
public sealed class ListFindings(PortalDbContext db, TimeProvider time)
{
    public const int MaxTake = 500;

    /// <summary>The states the list filters by.</summary>
    public static readonly IReadOnlyList<string> States = ["open", "acknowledged", "resolved", "all"];

    /// <summary>
    /// State: open (default; acknowledged ones included, flagged), acknowledged (open and acknowledged), resolved or all.
    /// Severity: info, warning or critical (that one or worse).
    /// </summary>
    public sealed record Query(
        Guid? ServerId = null, string? Rule = null, FindingSeverity? MinSeverity = null, string State = "open", int Skip = 0, int Take = 100, Guid? FindingId = null,
        IReadOnlyList<SortBy>? Sorts = null)
    {
        /// <summary>The same filters for a page of a table, ordered by its columns.</summary>
        public Query ForPage(TableRequest page) => this with { Skip = page.Skip, Take = page.Take, Sorts = page.Sorts };
    }

    /// <summary>
    /// The columns a table can order findings by, named as <see cref="FindingRow"/>'s properties (a finding about the
    /// fleet has no server name and sorts as empty); without one of them, open before resolved, worst and newest first.
    /// </summary>
    public static SortMap<DiagnosticFinding> Sorting { get; } = new SortMap<DiagnosticFinding>(nameof(FindingRow.OpenedAt), defaultDescending: true)
        .Add(nameof(FindingRow.Severity), f => f.Severity)
        .Add(nameof(FindingRow.Title), f => f.Title)
        .Add(nameof(FindingRow.RuleId), f => f.RuleId)
        .Add(nameof(FindingRow.ServerName), f => f.Server == null ? "" : f.Server.Name)
        .Add(nameof(FindingRow.OpenedAt), f => f.OpenedAt)
        .Add(nameof(FindingRow.ResolvedAt), f => f.ResolvedAt)
        .TieBreak(f => f.Id);

    public sealed record EvidenceRow(string Label, string Value);

    /// <summary>Who acknowledged a finding, when and why.</summary>
    public sealed record Acknowledgement(DateTimeOffset At, string By, string Reason);

    /// <summary>The active suppression of the finding's rule on its server (for a finding about the fleet: on every one of its servers).</summary>
    public sealed record SuppressionNote(Guid Id, DateTimeOffset ExpiresAt, string Reason, string By);

    /// <summary>A server a finding concerns, and its page relative to the base address.</summary>
    public sealed record FindingServer(Guid Id, string Name, string Role)
    {
        public string Page => $"servers/{Role}/{Id}";
    }

    /// <summary>
    /// One finding. ServerId is null for a finding about the fleet: ServerName then names its servers, and Servers lists
    /// them (for a server's own finding, Servers is that server).
    /// </summary>
    public sealed record FindingRow(
        Guid Id, Guid? ServerId, string ServerName, string? ServerRole, string RuleId, string Key, string Severity, string Title, string Summary,
        IReadOnlyList<EvidenceRow> Evidence, IReadOnlyList<string> FixSteps, DateTimeOffset OpenedAt, DateTimeOffset LastSeenAt, DateTimeOffset? ResolvedAt,
        Acknowledgement? Acknowledged, SuppressionNote? Suppressed, IReadOnlyList<FindingServer> Servers)
    {
        /// <summary>The portal page of the finding's server, relative to the base address; for a finding about the fleet, its rule's findings.</summary>
        public string ServerPage => ServerId is { } id ? $"servers/{ServerRole}/{id}" : FindingAlerts.FleetPath(RuleId).TrimStart('/');
    }

    public sealed record Page(IReadOnlyList<FindingRow> Items, int Total, int Skip, int Take);

    public static string SeverityText(int severity) => ((FindingSeverity)severity).ToString().ToLowerInvariant();

    public async Task<Page> RunAsync(Query q, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var query = db.DiagnosticFindings.AsNoTracking().AsQueryable();
        query = q.State switch
        {
            "resolved" => query.Where(f => f.ResolvedAt != null),
            "acknowledged" => query.Where(f => f.ResolvedAt == null && f.AcknowledgedAt != null),
            "all" => query,
            _ => query.Where(f => f.ResolvedAt == null),
        };
        if (q.FindingId is { } id)
        {
            query = query.Where(f => f.Id == id);
        }

        if (q.ServerId is { } server)
        {
            query = query.Where(f => f.ServerId == server || (f.ServerId == null && f.ServerIds.Contains(server)));
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
        var ordered = q.Sorts is { Count: > 0 } sorts && sorts.Any(s => Sorting.Knows(s.Column))
            ? Sorting.Apply(query, sorts)
            : query.OrderByDescending(f => f.ResolvedAt == null).ThenByDescending(f => f.Severity).ThenByDescending(f => f.OpenedAt).ThenBy(f => f.Id);
        var rows = await ordered
            .Skip(Math.Max(0, q.Skip)).Take(take)
            .Select(f => new
            {
                f.Id,
                f.ServerId,
                f.ServerIds,
                ServerName = f.Server == null ? null : f.Server.Name,
                Role = f.Server == null ? (ServerRole?)null : f.Server.Role,
                f.RuleId,
                f.Key,
                f.Severity,
                f.Title,
                f.Summary,
                f.Evidence,
                f.FixSteps,
                f.OpenedAt,
                f.LastSeenAt,
                f.ResolvedAt,
                f.AcknowledgedAt,
                f.AcknowledgedBy,
                f.AcknowledgeReason,
            })
            .ToListAsync(ct);
        var fleetServers = rows.Where(f => f.ServerId is null).SelectMany(f => f.ServerIds).Distinct().ToList();
        var named = fleetServers.Count == 0
            ? []
            : await db.Servers.AsNoTracking().Where(s => fleetServers.Contains(s.Id))
                .ToDictionaryAsync(s => s.Id, s => new FindingServer(s.Id, s.Name, RoleText(s.Role)), ct);
        var suppressions = await ActiveSuppressionsAsync(
            db, rows.SelectMany(r => r.ServerId is { } id ? [id] : r.ServerIds).Distinct().ToList(), now, ct);
        return new Page(
            rows.Select(f =>
            {
                IReadOnlyList<FindingServer> servers = f.ServerId is { } id
                    ? [new FindingServer(id, f.ServerName!, RoleText(f.Role!.Value))]
                    : f.ServerIds.Select(named.GetValueOrDefault).OfType<FindingServer>().OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToList();
                return new FindingRow(
                    f.Id, f.ServerId, f.ServerId is null ? string.Join(", ", servers.Select(s => s.Name)) : f.ServerName!, f.Role is { } role ? RoleText(role) : null,
                    f.RuleId, f.Key, SeverityText(f.Severity), f.Title, f.Summary,
                    f.Evidence.Select(e => new EvidenceRow(e.Label, e.Value)).ToList(), f.FixSteps, f.OpenedAt, f.LastSeenAt, f.ResolvedAt,
                    f.AcknowledgedAt is { } at ? new Acknowledgement(at, f.AcknowledgedBy ?? "", f.AcknowledgeReason ?? "") : null,
                    f.ResolvedAt is null ? SuppressedEverywhere(suppressions, servers.Select(s => s.Id).ToList(), f.RuleId) : null,
                    servers);
            }).ToList(),
            total,
            Math.Max(0, q.Skip),
            take);
    }

    /// <summary>
    /// The query for the diagnostics page's filters as its address has them (the server by id or name, rule, severity,
    /// state, sort); null with the reason when the server named does not exist. The page and its export read alike.
    /// </summary>
    public async Task<(Query? Query, string? Error)> FilterAsync(
        string? server, string? rule, string? severity, string? state, string? sort, CancellationToken ct = default)
    {
        Guid? serverId = null;
        if (!string.IsNullOrWhiteSpace(server))
        {
            serverId = await db.Servers.IdOfAsync(server, ct);
            if (serverId is null)
            {
                return (null, $"There is no server '{server}'.");
            }
        }

        FindingSeverity? minimum = Enum.TryParse<FindingSeverity>(severity, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(severity, out _) ? parsed : null;
        return (new Query(serverId, string.IsNullOrWhiteSpace(rule) ? null : rule.Trim(), minimum, FindingsExport.StateOf(state), Sorts: TableRequest.ParseSort(sort)), null);
    }

    /// <summary>Every finding the filters match, in the order asked for, read a page at a time (an export).</summary>
    public async IAsyncEnumerable<FindingRow> StreamAsync(Query q, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var skip = 0; ; skip += MaxTake)
        {
            var page = await RunAsync(q with { Skip = skip, Take = MaxTake }, ct);
            foreach (var row in page.Items)
            {
                yield return row;
            }

            if (skip + page.Items.Count >= page.Total || page.Items.Count == 0)
            {
                yield break;
            }
        }
    }

    private static string RoleText(ServerRole role) => role == ServerRole.Nps ? "nps" : "rras";

    /// <summary>The suppression to show: the rule must be suppressed on every server of the finding; the one that ends first says until when.</summary>
    private static SuppressionNote? SuppressedEverywhere(Dictionary<(Guid ServerId, string RuleId), SuppressionNote> active, IReadOnlyList<Guid> servers, string ruleId)
    {
        var notes = servers.Select(s => active.GetValueOrDefault((s, ruleId))).ToList();
        return notes.Count == 0 || notes.Any(n => n is null) ? null : notes.MinBy(n => n!.ExpiresAt);
    }

    /// <summary>The suppressions in force on these servers, by server and rule.</summary>
    public static async Task<Dictionary<(Guid ServerId, string RuleId), SuppressionNote>> ActiveSuppressionsAsync(
        PortalDbContext db, IReadOnlyCollection<Guid> serverIds, DateTimeOffset now, CancellationToken ct)
    {
        if (serverIds.Count == 0)
        {
            return [];
        }

        var active = await db.DiagnosticSuppressions.AsNoTracking()
            .Where(s => s.LiftedAt == null && s.ExpiresAt > now && serverIds.Contains(s.ServerId))
            .Select(s => new { s.Id, s.ServerId, s.RuleId, s.ExpiresAt, s.Reason, s.CreatedBy })
            .ToListAsync(ct);
        var result = new Dictionary<(Guid, string), SuppressionNote>();
        foreach (var s in active.OrderBy(s => s.ExpiresAt))
        {
            result[(s.ServerId, s.RuleId)] = new SuppressionNote(s.Id, s.ExpiresAt, s.Reason, s.CreatedBy);
        }

        return result;
    }
}
