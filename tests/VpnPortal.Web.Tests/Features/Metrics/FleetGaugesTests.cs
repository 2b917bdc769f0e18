using Shouldly;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Metrics;

/// <summary>The gauges of database state come from one cached read, not from the database at every scrape.</summary>
public sealed class FleetGaugesTests
{
    [Fact]
    public async Task Scrapes_WithinTheRefreshInterval_ShowTheFiguresOfTheFirstRead()
    {
        await using var portal = await MetricsPortal.StartAsync(new() { ["Metrics:RefreshInterval"] = "01:00:00" });
        var first = await portal.ScrapeAsync();

        await using (var db = portal.Database.CreateContext())
        {
            var fleet = new FleetBuilder(db, DateTimeOffset.UtcNow);
            fleet.Rras("VPN09");
            await fleet.SaveAsync(TestContext.Current.CancellationToken);
        }

        var second = await portal.ScrapeAsync();

        first.Value("vpnportal_servers", ("role", "rras"), ("agent_state", "none")).ShouldBe(0);
        second.Value("vpnportal_servers", ("role", "rras"), ("agent_state", "none")).ShouldBe(0, "the database is read again an hour after the first read");
        second.Of("vpnportal_sessions").ShouldBeEmpty();
        second.Value("vpnportal_fleet_figures_age_seconds").ShouldBeGreaterThanOrEqualTo(first.Value("vpnportal_fleet_figures_age_seconds"));
    }
}
