using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Diagnostics;
using VpnPortal.Web.Features.Alerts;

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
        Guid? ServerId = null, string? Rule = null, FindingSeverity? MinSeverity = null, string State = "open", int Skip = 0, int Take = 100, Guid? FindingId = null);

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
        var rows = await query
            .OrderByDescending(f => f.ResolvedAt == null).ThenByDescending(f => f.Severity).ThenByDescending(f => f.OpenedAt).ThenBy(f => f.Id)
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
