using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Features.Sessions;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Sessions;

/// <summary>
/// The fleet sessions table: sorted, filtered and paged by the database of each provider, and its CSV export, which
/// holds what the filter shows in the table's order and is for operators only.
/// </summary>
public sealed class SessionsTableTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => DatabaseProviders.All;

    [Theory, MemberData(nameof(Providers))]
    public async Task Sort_ByEachColumnTheGridOffers_InBothDirections_AndPages(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider, new FakeTimeProvider(TestClock.Start));
        await SeedAsync(portal);
        await using var db = portal.Database.CreateContext();
        var sessions = new ListLiveSessions(db);

        async Task<string[]> Users(string sort, int skip = 0, int take = 10) =>
            [.. (await sessions.PageAsync(new(), new TableRequest(skip, take, TableRequest.ParseSort(sort)), Ct)).Items.Select(s => s.UserName)];

        (await Users("")).ShouldBe(["cy", "bo", "ana", "dee"], "newest connection first by default");
        (await Users("UserName")).ShouldBe(["ana", "bo", "cy", "dee"]);
        (await Users("-UserName")).ShouldBe(["dee", "cy", "bo", "ana"]);
        (await Users("BytesIn")).ShouldBe(["dee", "ana", "cy", "bo"]);
        (await Users("-BytesOut")).ShouldBe(["dee", "bo", "cy", "ana"]);
        (await Users("LastSeenAt")).ShouldBe(["bo", "ana", "dee", "cy"]);
        (await Users("TunnelAddress")).ShouldBe(["cy", "ana", "bo", "dee"]);
        (await Users("ClientExternalAddress")).ShouldBe(["dee", "bo", "ana", "cy"]);
        (await Users("ServerName,-UserName")).ShouldBe(["bo", "ana", "dee", "cy"]);
        (await Users("TunnelType,UserName")).ShouldBe(["ana", "bo", "cy", "dee"], "SSTP before IKEv2");
        (await Users("ConnectionStartTime")).ShouldBe(["dee", "ana", "bo", "cy"]);
        (await Users("Nonsense")).ShouldBe(["cy", "bo", "ana", "dee"], "an unknown column falls back to the default");

        var page = await sessions.PageAsync(new(), new TableRequest(1, 2, TableRequest.ParseSort("UserName")), Ct);
        page.Items.Select(s => s.UserName).ShouldBe(["bo", "cy"]);
        page.Total.ShouldBe(4, "the total counts every match, not the page");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Filter_BySearchServerAndProtocol_CombineAndCountOnlyWhatMatches(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider, new FakeTimeProvider(TestClock.Start));
        var (vpn1, _) = await SeedAsync(portal);
        await using var db = portal.Database.CreateContext();
        var sessions = new ListLiveSessions(db);

        async Task<string[]> Users(ListLiveSessions.Filter filter)
        {
            var page = await sessions.PageAsync(filter, new TableRequest(0, 25, TableRequest.ParseSort("UserName")), Ct);
            page.Total.ShouldBe(page.Items.Count);
            return [.. page.Items.Select(s => s.UserName)];
        }

        (await Users(new(Search: "LT-0"))).ShouldBe(["ana", "cy"], "the host name, any case");
        (await Users(new(Search: "198.51.100"))).ShouldBe(["bo", "dee"], "the external address");
        (await Users(new(Search: "10.8.0.3"))).ShouldBe(["bo"], "the tunnel address");
        (await Users(new(Search: "CORP\\CY"))).ShouldBe(["cy"], "another of the session's names");
        (await Users(new(Server: vpn1.ToString()))).ShouldBe(["ana", "bo"]);
        (await Users(new(Server: "vpn02"))).ShouldBe(["cy", "dee"]);
        (await Users(new(Protocol: TunnelType.Ikev2))).ShouldBe(["cy", "dee"]);
        (await Users(new(Server: "VPN02", Protocol: TunnelType.Ikev2, Search: "lt-"))).ShouldBe(["cy"]);
        (await Users(new(User: "bo"))).ShouldBe(["bo"]);
        (await Users(new(Search: "nobody"))).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Api_TakesSortAndProtocol_AndRefusesUnknownOnes(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider, new FakeTimeProvider(TestClock.Start));
        await SeedAsync(portal);
        var client = portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.OnCall)));

        var body = await client.GetStringAsync("/api/v1/sessions?protocol=IKEv2&sort=-UserName", Ct);
        body.IndexOf("\"dee\"", StringComparison.Ordinal).ShouldBeLessThan(body.IndexOf("\"cy\"", StringComparison.Ordinal));
        body.ShouldNotContain("\"ana\"");
        body.ShouldContain("\"tunnelType\":\"ikev2\"");

        (await client.GetAsync("/api/v1/sessions?protocol=gre", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var unknownSort = await client.GetAsync("/api/v1/sessions?sort=PasswordHash", Ct);
        unknownSort.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknownSort.Content.ReadAsStringAsync(Ct)).ShouldContain("sort");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Export_HoldsWhatTheFilterShows_InTheTablesOrder_AsCsv(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider, new FakeTimeProvider(TestClock.Start));
        await SeedAsync(portal);
        using var browser = await portal.SignInAsync(await portal.CreateUserAsync(Roles.OnCall));

        using var response = await browser.GetAsync("/export/sessions.csv?server=vpn02&protocol=ikev2&sort=-BytesIn");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("sessions-2026-11-22.csv");
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        bytes.Take(3).ShouldBe(Encoding.UTF8.Preamble.ToArray());
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("User,Other names,Device tunnel,Host,Server,Protocol,External address,Tunnel address,Connected (UTC),Last traffic (UTC),Bytes in,Bytes out");
        lines.Skip(1).ShouldBe(
        [
            "cy,CORP\\cy,no,LT-0003.corp.example,VPN02,IKEv2,203.0.113.9,10.8.0.1,2026-11-22T08:50:00Z,2026-11-22T08:59:00Z,3000,2000",
            "dee,,yes,,VPN02,IKEv2,198.51.100.7,10.8.0.4,2026-11-22T05:00:00Z,2026-11-22T08:57:00Z,400,9000000000",
        ]);

        using var search = await browser.GetAsync("/export/sessions.csv?search=lt-&sort=UserName");
        var searched = (await search.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        searched.Skip(1).Select(l => l.Split(',')[0]).ShouldBe(["ana", "cy"]);
    }

    [Fact]
    public async Task Export_IsRefusedToSelfServiceUsers()
    {
        await using var portal = await PortalFactory.StartAsync();
        using var browser = await portal.SignInAsync(await portal.CreateUserAsync(Roles.User));

        using var response = await browser.GetAsync("/export/sessions.csv");

        response.StatusCode.ShouldBeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.Redirect);
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            response.Headers.Location!.ToString().ShouldContain("access-denied");
        }

        (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain("User,Other names");
    }

    /// <summary>
    /// Four live sessions on two servers and one ended one, each column ordering them differently:
    /// ana (VPN01, SSTP), bo (VPN01, SSTP), cy (VPN02, IKEv2), dee (VPN02, IKEv2, device).
    /// </summary>
    private static async Task<(Guid Vpn1, Guid Vpn2)> SeedAsync(PortalFactory portal)
    {
        var now = portal.Time!.GetUtcNow();
        await using var ctx = portal.Database.CreateContext();
        var f = new FleetBuilder(ctx, now);
        var vpn1 = f.Rras("VPN01");
        var vpn2 = f.Rras("VPN02");

        void Set(VpnSession s, string? host, string external, string tunnel, long bytesIn, long bytesOut, int lastMinutesAgo)
        {
            (s.HostName, s.ClientExternalAddress, s.ClientInternalAddress) = (host, external, tunnel);
            (s.BytesIn, s.BytesOut, s.LastSeenAt) = (bytesIn, bytesOut, now.AddMinutes(-lastMinutesAgo));
        }

        Set(f.Session(vpn1, "ana", started: now.AddHours(-2)), "LT-0001.corp.example", "203.0.113.5", "10.8.0.2", 2000, 100, 5);
        Set(f.Session(vpn1, "bo", started: now.AddHours(-1)), null, "198.51.100.9", "10.8.0.3", 5000, 7000, 30);
        var cy = f.Session(vpn2, "cy", started: now.AddMinutes(-10), names: ["cy", @"CORP\cy"]);
        cy.TunnelType = TunnelType.Ikev2;
        Set(cy, "LT-0003.corp.example", "203.0.113.9", "10.8.0.1", 3000, 2000, 1);
        Set(f.Session(vpn2, "dee", started: now.AddHours(-4), device: true), null, "198.51.100.7", "10.8.0.4", 400, 9_000_000_000, 3);
        f.Session(vpn2, "ana", ended: true, started: now.AddMinutes(-1));
        await f.SaveAsync(Ct);
        return (vpn1.Id, vpn2.Id);
    }
}
