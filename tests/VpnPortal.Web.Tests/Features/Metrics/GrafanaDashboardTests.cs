using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Metrics;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Metrics;

/// <summary>
/// deploy/grafana/vpnportal.json is a Grafana dashboard for any Prometheus data source, and asks only for series the
/// portal exports: renaming a metric without the dashboard fails here.
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    private static readonly string DashboardPath = SourceTree.File("deploy", "grafana", "vpnportal.json");

    /// <summary>PromQL's own words: functions, aggregations and keywords, which are not series.</summary>
    private static readonly HashSet<string> PromQl =
    [
        "sum", "min", "max", "avg", "count", "topk", "bottomk", "by", "without", "on", "ignoring", "group_left", "group_right",
        "rate", "irate", "increase", "delta", "histogram_quantile", "clamp_min", "clamp_max", "abs", "time", "vector", "scalar",
        "sort", "sort_desc", "label_replace", "and", "or", "unless", "bool", "offset", "min_over_time", "max_over_time",
        "avg_over_time", "last_over_time", "le", "inf",
    ];

    [Fact]
    public void Dashboard_IsAGrafanaDashboard_OnAPrometheusDataSourceChosenAtImport()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var root = dashboard.RootElement;

        root.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        root.GetProperty("uid").GetString().ShouldNotBeNullOrWhiteSpace();
        root.GetProperty("schemaVersion").GetInt32().ShouldBeGreaterThanOrEqualTo(36);
        var input = root.GetProperty("__inputs").EnumerateArray().ShouldHaveSingleItem();
        input.GetProperty("name").GetString().ShouldBe("DS_PROMETHEUS");
        input.GetProperty("type").GetString().ShouldBe("datasource");
        input.GetProperty("pluginId").GetString().ShouldBe("prometheus");

        var panels = Panels(root).Where(p => p.GetProperty("type").GetString() != "row").ToList();
        panels.Count.ShouldBeGreaterThan(5);
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            panel.GetProperty("datasource").GetProperty("uid").GetString().ShouldBe("${DS_PROMETHEUS}", title);
            panel.GetProperty("targets").EnumerateArray().ShouldNotBeEmpty(title);
            panel.GetProperty("gridPos").GetProperty("w").GetInt32().ShouldBeInRange(1, 24, title);
        }
    }

    [Fact]
    public async Task Dashboard_AsksOnlyForSeriesThePortalExports()
    {
        var asked = Panels(JsonDocument.Parse(File.ReadAllText(DashboardPath)).RootElement)
            .SelectMany(p => p.TryGetProperty("targets", out var targets) ? targets.EnumerateArray() : [])
            .Select(t => t.GetProperty("expr").GetString()!)
            .SelectMany(SeriesIn)
            .ToHashSet(StringComparer.Ordinal);
        asked.ShouldContain(n => n.StartsWith("vpnportal_", StringComparison.Ordinal));

        var exported = (await ScrapeOfEveryInstrumentAsync()).Names;

        asked.Where(n => !exported.Contains(n)).ShouldBeEmpty("series the dashboard asks for that the portal does not export");
    }

    /// <summary>A scrape after the portal has had something to count for each of its instruments.</summary>
    private static async Task<PrometheusText> ScrapeOfEveryInstrumentAsync()
    {
        await using var portal = await MetricsPortal.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await agent.ReportAsync(Snapshots.Rras(agent, Snapshots.Session("alice@corp.example")));
        await portal.QueueRefreshAsync(agent);
        await agent.RunCommandsAsync();
        await using (var db = portal.Database.CreateContext())
        {
            var now = DateTimeOffset.UtcNow;
            db.DiagnosticFindings.Add(new DiagnosticFinding { Id = Guid.NewGuid(), ServerId = agent.ServerId, RuleId = "sstp-binding-mismatch", Severity = 3, Title = "t", Summary = "s", OpenedAt = now, LastSeenAt = now });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        portal.Services.GetRequiredService<PortalMetrics>().NotificationAttempt("webhook:" + Guid.NewGuid(), OutboxState.Failed);
        return await portal.ScrapeAsync();
    }

    /// <summary>The series an expression reads: its names, once label matchers, ranges, strings and Grafana's variables are out.</summary>
    private static IEnumerable<string> SeriesIn(string expr)
    {
        var bare = Unwanted().Replace(expr, " ");
        return Identifier().Matches(bare).Select(m => m.Value).Where(n => !PromQl.Contains(n.ToLowerInvariant()));
    }

    private static IEnumerable<JsonElement> Panels(JsonElement container) =>
        container.TryGetProperty("panels", out var panels)
            ? panels.EnumerateArray().SelectMany(p => Panels(p).Prepend(p))
            : [];

    /// <summary>Label matchers and grouping lists, range selectors, strings, Grafana variables, numbers.</summary>
    [GeneratedRegex(@"\{[^}]*\}|\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)|\[[^\]]*\]|""[^""]*""|\$\{?\w+\}?|\b\d+(\.\d+)?\b")]
    private static partial Regex Unwanted();

    [GeneratedRegex(@"[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex Identifier();
}
