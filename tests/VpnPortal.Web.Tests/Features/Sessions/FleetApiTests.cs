using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Sessions;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Sessions;

/// <summary>
/// The read API for the live fleet, through the real portal on a real database of each provider: sessions across
/// servers (user names are a JSON array on SQLite and a text array on PostgreSQL) and the agent state of servers.
/// </summary>
public sealed class FleetApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => DatabaseProviders.All;

    [Theory, MemberData(nameof(Providers))]
    public async Task Sessions_ByUser_MatchAnyOfTheSessionsNamesInAnyCase_LiveOnly_NewestFirst_WithTheirServer(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider, new FakeTimeProvider(TestClock.Start));
        var now = portal.Time!.GetUtcNow();
        Guid vpn1 = default, vpn2 = default;
        await SeedAsync(portal, now, f =>
        {
            var a = f.Rras("VPN01");
            var b = f.Rras("VPN02");
            (vpn1, vpn2) = (a.Id, b.Id);
            f.Session(a, @"CORP\ana", started: now.AddHours(-3), names: [@"CORP\ana", "ana.lopez@corp.example"]);
            f.Session(b, "ana.lopez@corp.example", started: now.AddMinutes(-10));
            f.Session(b, "ana.lopez@corp.example", ended: true);
            f.Session(b, "bob@corp.example");
        });
        var client = await OnCallClientAsync(portal);

        var page = await GetSessionsAsync(client, "/api/v1/sessions?user=ANA.LOPEZ");

        page.Total.ShouldBe(2, "the ended session is not live");
        page.Items.Select(s => (s.ServerName, s.UserName)).ShouldBe([("VPN02", "ana.lopez@corp.example"), ("VPN01", @"CORP\ana")]);
        page.Items.Select(s => s.ServerId).ShouldBe([vpn2, vpn1]);
        page.Items[1].UserNames.ShouldBe([@"CORP\ana", "ana.lopez@corp.example"]);
        (await GetSessionsAsync(client, "/api/v1/sessions?user=corp%5Cana")).Items.ShouldHaveSingleItem().ServerName.ShouldBe("VPN01");
        (await GetSessionsAsync(client, "/api/v1/sessions")).Total.ShouldBe(3);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Sessions_ByServer_TakeTheNameInAnyCaseOrTheId_AndPage(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider, new FakeTimeProvider(TestClock.Start));
        var now = portal.Time!.GetUtcNow();
        Guid vpn2 = default;
        await SeedAsync(portal, now, f =>
        {
            var a = f.Rras("VPN01");
            var b = f.Rras("VPN02");
            vpn2 = b.Id;
            f.Session(a, "cy@corp.example");
            for (var i = 1; i <= 5; i++)
            {
                f.Session(b, $"user{i}@corp.example", started: now.AddMinutes(-i));
            }
        });
        var client = await OnCallClientAsync(portal);

        var byName = await GetSessionsAsync(client, "/api/v1/sessions?server=vpn02&skip=1&take=2");
        var byId = await GetSessionsAsync(client, $"/api/v1/sessions?server={vpn2}");

        byName.Total.ShouldBe(5);
        byName.Items.Select(s => s.UserName).ShouldBe(["user2@corp.example", "user3@corp.example"]);
        (byName.Skip, byName.Take).ShouldBe((1, 2));
        byId.Items.Count.ShouldBe(5);
        byId.Items.ShouldAllBe(s => s.ServerName == "VPN02");
        (await GetSessionsAsync(client, "/api/v1/sessions?server=VPN0")).Total.ShouldBe(0, "a server is named whole, not by a fragment");
    }

    [Theory]
    [InlineData("take=0", "take")]
    [InlineData("take=501", "take")]
    [InlineData("take=ten", "take")]
    [InlineData("skip=-1", "skip")]
    public async Task Sessions_BadPaging_Is400NamingTheParameter(string query, string parameter)
    {
        await using var portal = await PortalFactory.StartAsync();
        var client = await OnCallClientAsync(portal);

        var response = await client.GetAsync($"/api/v1/sessions?{query}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        problem.RootElement.GetProperty("errors").TryGetProperty(parameter, out var messages).ShouldBeTrue();
        messages[0].GetString().ShouldStartWith(parameter);
    }

    [Fact]
    public async Task Sessions_TakeOf500_IsAllowed()
    {
        await using var portal = await PortalFactory.StartAsync();
        var client = await OnCallClientAsync(portal);

        (await GetSessionsAsync(client, "/api/v1/sessions?take=500")).Take.ShouldBe(500);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Servers_EachCarryTheirAgentsStateLastReportAndVersion(string provider)
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(provider, clock);
        var now = clock.GetUtcNow();
        await SeedAsync(portal, now, f =>
        {
            var online = f.Rras("VPN01", lastReport: now.AddSeconds(-20));
            f.AgentFor(online, lastSeen: now.AddSeconds(-5), version: "1.4.2");
            f.AgentFor(f.Rras("VPN02", lastReport: now.AddMinutes(-3)), lastSeen: now.AddMinutes(-3));
            f.AgentFor(f.Rras("VPN03", lastReport: now.AddHours(-2)), lastSeen: now.AddHours(-2));
            f.AgentFor(f.Nps("NPS01"));
            f.AgentFor(f.Nps("NPS02"), lastSeen: now.AddSeconds(-5), revokedAt: now.AddMinutes(-1));
            f.Rras("VPN04");
        });
        var client = await OnCallClientAsync(portal);

        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/v1/servers", Ct));

        var agents = json.RootElement.GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("name").GetString()!, i => i.GetProperty("agent"));
        agents.ToDictionary(a => a.Key, a => a.Value.GetProperty("state").GetString()).ShouldBe(new Dictionary<string, string?>
        {
            ["NPS01"] = "never-seen",
            ["NPS02"] = "revoked",
            ["VPN01"] = "online",
            ["VPN02"] = "late",
            ["VPN03"] = "offline",
            ["VPN04"] = "none",
        });
        agents["VPN01"].GetProperty("agentVersion").GetString().ShouldBe("1.4.2");
        agents["VPN01"].GetProperty("lastReportAt").GetDateTimeOffset().ShouldBe(now.AddSeconds(-20));
        agents["VPN01"].GetProperty("lastSeenAt").GetDateTimeOffset().ShouldBe(now.AddSeconds(-5));
        agents["VPN04"].GetProperty("lastSeenAt").ValueKind.ShouldBe(JsonValueKind.Null);
        // The fields the list had before agents keep their names and values.
        var vpn4 = json.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "VPN04");
        vpn4.GetProperty("hasAgent").GetBoolean().ShouldBeFalse();
        vpn4.GetProperty("liveSessions").GetInt32().ShouldBe(0);
    }

    private static async Task<ListLiveSessions.Page> GetSessionsAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<ListLiveSessions.Page>(JsonSerializerOptions.Web, Ct))!;
    }

    private static async Task<HttpClient> OnCallClientAsync(PortalFactory portal) =>
        portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.OnCall)));

    private static async Task SeedAsync(PortalFactory portal, DateTimeOffset now, Action<FleetBuilder> build)
    {
        await using var ctx = portal.Database.CreateContext();
        var fleet = new FleetBuilder(ctx, now);
        build(fleet);
        await fleet.SaveAsync(Ct);
    }
}
