namespace VpnPortal.Domain.Diagnostics;

/// <summary>Every rule, by area, and the evaluation of all of them over a fleet.</summary>
public static class DiagnosticRules
{
    public static IReadOnlyList<DiagnosticRule> All { get; } =
    [
        .. SstpRules.Rules,
        .. CertificateRules.Rules,
        .. TlsOffloadRules.Rules,
        .. Ikev2Rules.Rules,
        .. NpsRules.Rules,
        .. FleetRules.Rules,
    ];

    /// <summary>
    /// Runs every rule over every server that has reported (a server entered by hand has no state to judge). The
    /// result pairs each server with its findings, worst first.
    /// </summary>
    public static IReadOnlyList<(ServerFacts Server, IReadOnlyList<Finding> Findings)> Evaluate(FleetFacts fleet, IReadOnlyList<DiagnosticRule>? rules = null)
    {
        rules ??= All;
        var results = new List<(ServerFacts, IReadOnlyList<Finding>)>(fleet.Servers.Count);
        foreach (var server in fleet.Servers)
        {
            if (server.LastReportAt is null)
            {
                results.Add((server, []));
                continue;
            }

            var findings = new List<Finding>();
            foreach (var rule in rules)
            {
                findings.AddRange(rule.Evaluate(server, fleet));
            }

            findings.Sort((a, b) => b.Severity.CompareTo(a.Severity));
            results.Add((server, findings));
        }

        return results;
    }

    /// <summary>
    /// Runs every rule like <see cref="Evaluate"/>, then makes what the fleet-wide rules found (those with
    /// <see cref="DiagnosticRule.CombineForFleet"/>) one finding per rule and key for the fleet, naming the servers that
    /// report it, instead of one per server.
    /// </summary>
    public static FleetEvaluation EvaluateFleet(FleetFacts fleet, IReadOnlyList<DiagnosticRule>? rules = null)
    {
        rules ??= All;
        var fleetWide = rules.Where(r => r.CombineForFleet is not null).ToDictionary(r => r.Id, r => r.CombineForFleet!);
        var perServer = Evaluate(fleet, rules);
        if (fleetWide.Count == 0)
        {
            return new FleetEvaluation(perServer, []);
        }

        var byServer = perServer
            .Select(r => (r.Server, (IReadOnlyList<Finding>)r.Findings.Where(f => !fleetWide.ContainsKey(f.RuleId)).ToList()))
            .ToList();
        var fleetFindings = perServer
            .SelectMany(r => r.Findings.Where(f => fleetWide.ContainsKey(f.RuleId)).Select(f => (r.Server, Finding: f)))
            .GroupBy(r => (r.Finding.RuleId, r.Finding.Key))
            .Select(g =>
            {
                var reports = g.OrderBy(r => r.Server.Name, StringComparer.OrdinalIgnoreCase).ToList();
                var combined = fleetWide[g.Key.RuleId](reports) with { RuleId = g.Key.RuleId, Key = g.Key.Key };
                return new FleetFinding(combined, reports.Select(r => r.Server).ToList());
            })
            .OrderByDescending(f => f.Finding.Severity)
            .ToList();
        return new FleetEvaluation(byServer, fleetFindings);
    }
}
