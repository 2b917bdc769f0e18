using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Servers;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Servers;

/// <summary>
/// The RRAS and NPS server lists: sorted, searched and paged by the database of each provider, and their CSV export,
/// which holds what a list shows (its role and search) in its order, for operators only.
/// </summary>
public sealed class ServersTableTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => DatabaseProviders.All;

    [Theory, MemberData(nameof(Providers))]
    public async Task Sort_ByTheListsColumns_AndPage_WithinOneRole(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider, new FakeTimeProvider(TestClock.Start));
        await SeedAsync(portal);
        await using var db = portal.Database.CreateContext();
        var servers = new ListServers(db, portal.Time!, Options.Create(new AgentOptions()));

        async Task<string[]> Names(ServerRole role, string sort, int skip = 0, int take = 10) =>
            [.. (await servers.PageAsync(new(role), new TableRequest(skip, take, TableRequest.ParseSort(sort)), Ct)).Items.Select(s => s.Name)];

        (await Names(ServerRole.Rras, "")).ShouldBe(["VPN01", "VPN02", "VPN03"], "by name by default");
        (await Names(ServerRole.Rras, "-Name")).ShouldBe(["VPN03", "VPN02", "VPN01"]);
        (await Names(ServerRole.Rras, "-LiveSessions")).ShouldBe(["VPN02", "VPN03", "VPN01"]);
        (await Names(ServerRole.Rras, "Site")).ShouldBe(["VPN02", "VPN03", "VPN01"], "by site, then by name");
        (await Names(ServerRole.Rras, "-LastReportAt,Name")).ShouldBe(["VPN03", "VPN01", "VPN02"]);
        (await Names(ServerRole.Nps, "RadiusTimeoutSeconds")).ShouldBe(["NPS02", "NPS01"]);
        (await Names(ServerRole.Nps, "-RadiusTimeoutSeconds")).ShouldBe(["NPS01", "NPS02"]);

        var page = await servers.PageAsync(new(ServerRole.Rras), new TableRequest(1, 1, TableRequest.ParseSort("-LiveSessions")), Ct);
        page.Items.ShouldHaveSingleItem().Name.ShouldBe("VPN03");
        page.Total.ShouldBe(3);
        (await servers.PageAsync(new(ServerRole.Rras, "paris"), new TableRequest(0, 10, []), Ct)).Items.Select(s => s.Name).ShouldBe(["VPN01"]);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Export_HoldsTheRolesServers_TheSearchAndTheOrder_AsCsv(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider, new FakeTimeProvider(TestClock.Start));
        await SeedAsync(portal);
        using var browser = await portal.SignInAsync(await portal.CreateUserAsync(Roles.OnCall));

        using var rras = await browser.GetAsync("/export/servers.csv?role=rras&sort=-LiveSessions");

        rras.StatusCode.ShouldBe(HttpStatusCode.OK);
        rras.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("servers-2026-11-22.csv");
        var lines = Lines(await rras.Content.ReadAsStringAsync(Ct));
        lines[0].ShouldBe("Name,Role,DNS name,Public names,Protocols,Site,Agent,Agent version,Last report (UTC),Live sessions,RADIUS timeout (s),MFA extension");
        lines.Skip(1).Select(l => l.Split(',')[0]).ShouldBe(["VPN02", "VPN03", "VPN01"]);
        lines[1].ShouldBe("VPN02,rras,,vpn.corp.example,\"SSTP, IKEv2\",Berlin,none,,2026-11-22T08:00:00Z,2,,");

        using var nps = await browser.GetAsync("/export/servers.csv?role=nps&search=nps0");
        var npsLines = Lines(await nps.Content.ReadAsStringAsync(Ct));
        npsLines.Skip(1).ShouldBe(["NPS01,nps,,,,,none,,,,90,Unknown", "NPS02,nps,,,,,none,,,,30,Unknown"]);

        using var search = await browser.GetAsync("/export/servers.csv?role=rras&search=BERLIN");
        Lines(await search.Content.ReadAsStringAsync(Ct)).Skip(1).Select(l => l.Split(',')[0]).ShouldBe(["VPN02", "VPN03"]);
    }

    [Fact]
    public async Task Export_IsRefusedToSelfServiceUsers()
    {
        await using var portal = await PortalFactory.StartAsync();
        using var browser = await portal.SignInAsync(await portal.CreateUserAsync(Roles.User));

        using var response = await browser.GetAsync("/export/servers.csv?role=rras");

        response.StatusCode.ShouldBeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.Redirect);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain("Name,Role");
    }

    private static string[] Lines(string csv) => csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    /// <summary>VPN01 (Paris, 0 sessions), VPN02 (Berlin, 2), VPN03 (Berlin, 1); NPS01 (90 s) and NPS02 (30 s).</summary>
    private static async Task SeedAsync(PortalFactory portal)
    {
        var now = portal.Time!.GetUtcNow();
        await using var ctx = portal.Database.CreateContext();
        var f = new FleetBuilder(ctx, now);
        var vpn1 = f.Rras("VPN01", lastReport: now.AddMinutes(-30));
        vpn1.Site = "Paris";
        var vpn2 = f.Rras("VPN02", lastReport: now.AddHours(-1));
        vpn2.Site = "Berlin";
        vpn2.Protocols = VpnProtocols.Sstp | VpnProtocols.Ikev2;
        var vpn3 = f.Rras("VPN03", lastReport: now.AddMinutes(-1));
        vpn3.Site = "Berlin";
        f.Session(vpn2, "ana");
        f.Session(vpn2, "bo");
        f.Session(vpn2, "old", ended: true);
        f.Session(vpn3, "cy");
        f.Nps("NPS01").RadiusTimeoutSeconds = 90;
        f.Nps("NPS02").RadiusTimeoutSeconds = 30;
        await f.SaveAsync(Ct);
    }
}
