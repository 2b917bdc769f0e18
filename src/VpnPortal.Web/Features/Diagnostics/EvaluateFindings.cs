using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Diagnostics;
using VpnPortal.Web.Features.Alerts;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// Runs every rule over the fleet and keeps the findings current: a finding opens when a rule fires, its evidence is
/// refreshed while it keeps firing, and it resolves when an evaluation no longer finds it (both times kept). A rule an
/// admin suppressed for a server opens nothing there until the suppression expires or is lifted; a finding already
/// open stays open (shown as suppressed) until the state is fixed. A finding about the fleet (the forest's NTAuth
/// store) is one row naming the servers that report it; it opens unless its rule is suppressed on all of them.
/// </summary>
public sealed class EvaluateFindings(PortalDbContext db, TimeProvider time, IOptions<DiagnosticsOptions> options, FindingAlerts alerts, ILogger<EvaluateFindings> logger)
{
    /// <summary>What a pass did: open findings, opened, resolved, not opened because the rule is suppressed on the server, the servers where one opened or resolved, and alerts raised for critical ones.</summary>
    public sealed record Outcome(int Open, int Opened, int Resolved, int Suppressed, IReadOnlySet<Guid> Changed, int AlertsRaised = 0);

    /// <param name="serverIds">Only these servers' findings are written (the rules still see the whole fleet); null: every server.</param>
    /// <param name="ct">Cancels the pass; nothing is half-written.</param>
    /// <remarks>Another node opening or resolving the same findings (their open index, an alert's version or open key) makes the pass run again over what it saved.</remarks>
    public Task<Outcome> RunAsync(IReadOnlySet<Guid>? serverIds, CancellationToken ct) =>
        db.RetryLostRacesAsync(() => RunOnceAsync(serverIds, ct), logger, "Diagnostics evaluation", ct);

    private async Task<Outcome> RunOnceAsync(IReadOnlySet<Guid>? serverIds, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var fleet = await LoadFleetFacts.RunAsync(db, now, options.Value, ct);
        var evaluation = DiagnosticRules.EvaluateFleet(fleet);
        var results = evaluation.ByServer
            .Where(r => serverIds is null || serverIds.Contains(r.Server.Id))
            .ToList();
        var ids = results.Select(r => r.Server.Id).ToList();

        // The fleet's own findings are few and judged over the whole fleet, so every pass writes them.
        var open = await db.DiagnosticFindings.Where(f => f.ResolvedAt == null && (f.ServerId == null || ids.Contains(f.ServerId.Value))).ToListAsync(ct);
        var byKey = open.ToDictionary(f => (f.ServerId, f.RuleId, f.Key));
        var suppressedOn = ids
            .Concat(evaluation.Fleet.SelectMany(f => f.Servers.Select(s => s.Id)))
            .Distinct()
            .ToList();
        var suppressed = (await db.DiagnosticSuppressions.AsNoTracking()
                .Where(s => s.LiftedAt == null && s.ExpiresAt > now && suppressedOn.Contains(s.ServerId))
                .Select(s => new { s.ServerId, s.RuleId })
                .ToListAsync(ct))
            .Select(s => (s.ServerId, s.RuleId))
            .ToHashSet();
        var changed = new HashSet<Guid>();
        var opened = 0;
        var openedRows = new List<DiagnosticFinding>();
        var notOpened = 0;
        var seen = new HashSet<(Guid?, string, string)>();

        // A finding opens unless its rule is suppressed on every server it concerns; one already open stays open.
        void Write(Finding finding, Guid? serverId, IReadOnlyList<Guid> servers)
        {
            var key = (serverId, finding.RuleId, finding.Key);
            if (!seen.Add(key))
            {
                return; // a rule that reported one thing twice: the first stands
            }

            if (!byKey.TryGetValue(key, out var row))
            {
                if (servers.All(id => suppressed.Contains((id, finding.RuleId))))
                {
                    notOpened++;
                    return;
                }

                changed.UnionWith(servers);
                row = new DiagnosticFinding { Id = Guid.NewGuid(), ServerId = serverId, RuleId = finding.RuleId, Key = finding.Key, OpenedAt = now };
                db.DiagnosticFindings.Add(row);
                openedRows.Add(row);
                opened++;
            }

            if (serverId is null && !row.ServerIds.SequenceEqual(servers))
            {
                // A server that joins or leaves a fleet finding sees it come or go on its page.
                changed.UnionWith(row.ServerIds);
                changed.UnionWith(servers);
                row.ServerIds = [.. servers];
            }

            row.Severity = (int)finding.Severity;
            row.Title = Clip(finding.Title, Data.Configurations.FieldLimits.Name * 2);
            row.Summary = Clip(finding.Summary, Data.Configurations.FieldLimits.Notes);
            // Replaced only when it changed: a new list is a rewrite of the JSON column even with the same content.
            if (!row.Evidence.Select(e => (e.Label, e.Value)).SequenceEqual(finding.Evidence.Select(e => (e.Label, e.Value))))
            {
                row.Evidence = finding.Evidence.Select(e => new FindingEvidence { Label = e.Label, Value = e.Value }).ToList();
            }
            row.FixSteps = [.. finding.FixSteps];
            row.LastSeenAt = now;
        }

        foreach (var (server, findings) in results)
        {
            foreach (var finding in findings)
            {
                Write(finding, server.Id, [server.Id]);
            }
        }

        foreach (var fleetFinding in evaluation.Fleet)
        {
            Write(fleetFinding.Finding, null, fleetFinding.Servers.Select(s => s.Id).ToList());
        }

        var resolvedRows = open.Where(f => !seen.Contains((f.ServerId, f.RuleId, f.Key))).ToList();
        foreach (var row in resolvedRows)
        {
            row.ResolvedAt = now;
            changed.UnionWith(row.ServersConcerned);
        }

        // Critical findings raise their alerts, and resolved ones resolve them, in this same save (decision 0016).
        var raised = await alerts.OnEvaluatedAsync(openedRows, resolvedRows, now, ct);
        await db.SaveChangesAsync(ct);
        return new Outcome(seen.Count - notOpened, opened, resolvedRows.Count, notOpened, changed, raised);
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}
