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
}
