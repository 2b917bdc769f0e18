using Shouldly;
using VpnPortal.Domain.Diagnostics;
using Xunit;

namespace VpnPortal.Domain.Tests.Diagnostics;

public sealed class DiagnosticRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static DiagnosticRule Rule(string id, FindingSeverity severity, Func<ServerFacts, bool> fires) =>
        new(id, "test", id, (server, _) => fires(server) ? [new Finding(id, severity, id, $"{id} on {server.Name}", [], [])] : []);

    [Fact]
    public void Evaluate_RunsEveryRuleOnReportedServers_WorstFirst_AndJudgesNoServerThatNeverReported()
    {
        var rules = new[]
        {
            Rule("a.warning", FindingSeverity.Warning, _ => true),
            Rule("b.critical", FindingSeverity.Critical, s => s.Name == "VPN01"),
            Rule("c.info", FindingSeverity.Info, _ => true),
        };
        var fleet = new FleetFacts
        {
            Now = Now,
            Servers =
            [
                new ServerFacts { Name = "VPN01", IsRras = true, LastReportAt = Now },
                new ServerFacts { Name = "VPN02", IsRras = true, LastReportAt = Now },
                new ServerFacts { Name = "VPN03", IsRras = true, LastReportAt = null },
            ],
        };

        var results = DiagnosticRules.Evaluate(fleet, rules);

        results.Select(r => r.Server.Name).ShouldBe(["VPN01", "VPN02", "VPN03"]);
        results[0].Findings.Select(f => f.RuleId).ShouldBe(["b.critical", "a.warning", "c.info"]);
        results[1].Findings.Select(f => f.RuleId).ShouldBe(["a.warning", "c.info"]);
        results[2].Findings.ShouldBeEmpty("a server entered by hand has no reported state to judge");
    }

    [Fact]
    public void All_HaveUniqueIdsInAreaDotNameForm()
    {
        var ids = DiagnosticRules.All.Select(r => r.Id).ToList();

        ids.ShouldBeUnique();
        ids.ShouldAllBe(id => System.Text.RegularExpressions.Regex.IsMatch(id, "^[a-z0-9]+\\.[a-z0-9-]+$"));
    }
}
