using System.Text.RegularExpressions;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Dashboard;

/// <summary>The dashboard as served: its tiles show the fleet's figures.</summary>
public sealed class DashboardPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheSessionAndUserTiles_ShowLiveSessionsOnly_CountedOnce()
    {
        await using var portal = await PortalFactory.StartAsync();
        await using (var db = portal.Database.CreateContext())
        {
            var fleet = new FleetBuilder(db, DateTimeOffset.UtcNow);
            var vpn = fleet.Rras("VPN01");
            fleet.Session(vpn, "ana@corp.example");
            fleet.Session(vpn, "ANA@corp.example");
            fleet.Session(vpn, "bob@corp.example");
            fleet.Session(vpn, "cy@corp.example", ended: true);
            await fleet.SaveAsync(Ct);
        }

        using var admin = await portal.SignInAsync(await portal.CreateUserAsync(Roles.Admin));
        var page = await admin.Client.GetStringAsync("/", Ct);

        Tile(page, "stat-sessions").ShouldBe("3", "the ended session is history");
        Tile(page, "stat-users").ShouldBe("2", "ana counts once whatever the case");
    }

    private static string Tile(string page, string id)
    {
        var tile = Regex.Match(page, $"""id="{id}".*?<div class="value">(?<value>[^<]*)<""", RegexOptions.Singleline);
        tile.Success.ShouldBeTrue($"the dashboard has no {id} tile");
        return tile.Groups["value"].Value.Trim();
    }
}
