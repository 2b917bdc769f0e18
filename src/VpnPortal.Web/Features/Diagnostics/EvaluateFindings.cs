using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Diagnostics;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// Runs every rule over the fleet and keeps the findings current: a finding opens when a rule fires, its evidence is
/// refreshed while it keeps firing, and it resolves when an evaluation no longer finds it (both times kept).
/// </summary>
public sealed class EvaluateFindings(PortalDbContext db, TimeProvider time, IOptions<DiagnosticsOptions> options)
{
    public sealed record Outcome(int Open, int Opened, int Resolved);

    /// <param name="serverIds">Only these servers' findings are written (the rules still see the whole fleet); null: every server.</param>
    /// <param name="ct">Cancels the pass; nothing is half-written.</param>
    public async Task<Outcome> RunAsync(IReadOnlySet<Guid>? serverIds, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var fleet = await LoadFleetFacts.RunAsync(db, now, options.Value, ct);
        var results = DiagnosticRules.Evaluate(fleet)
            .Where(r => serverIds is null || serverIds.Contains(r.Server.Id))
            .ToList();
        var ids = results.Select(r => r.Server.Id).ToList();
        var open = await db.DiagnosticFindings.Where(f => f.ResolvedAt == null && ids.Contains(f.ServerId)).ToListAsync(ct);
        var byKey = open.ToDictionary(f => (f.ServerId, f.RuleId, f.Key));
        var opened = 0;
        var seen = new HashSet<(Guid, string, string)>();
        foreach (var (server, findings) in results)
        {
            foreach (var finding in findings)
            {
                var key = (server.Id, finding.RuleId, finding.Key);
                if (!seen.Add(key))
                {
                    continue; // a rule that reported one thing twice: the first stands
                }

                if (!byKey.TryGetValue(key, out var row))
                {
                    row = new DiagnosticFinding { Id = Guid.NewGuid(), ServerId = server.Id, RuleId = finding.RuleId, Key = finding.Key, OpenedAt = now };
                    db.DiagnosticFindings.Add(row);
                    opened++;
                }

                row.Severity = (int)finding.Severity;
                row.Title = Clip(finding.Title, Data.Configurations.FieldLimits.Name * 2);
                row.Summary = Clip(finding.Summary, Data.Configurations.FieldLimits.Notes);
                row.Evidence = finding.Evidence.Select(e => new FindingEvidence { Label = e.Label, Value = e.Value }).ToList();
                row.FixSteps = [.. finding.FixSteps];
                row.LastSeenAt = now;
            }
        }

        var resolved = 0;
        foreach (var row in open.Where(f => !seen.Contains((f.ServerId, f.RuleId, f.Key))))
        {
            row.ResolvedAt = now;
            resolved++;
        }

        await db.SaveChangesAsync(ct);
        return new Outcome(seen.Count, opened, resolved);
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}
