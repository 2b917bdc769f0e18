using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Disconnects;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Disconnects;

/// <summary>"Keep it off": a user disconnected with an enforcement window is disconnected again wherever it reconnects.</summary>
public sealed class EnforcementWindowTests(SharedPortals shared) : IClassFixture<SharedPortals>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpClient> AdminApiAsync(PortalFactory portal) =>
        portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.Admin)));

    private static async Task<Guid> DisconnectAsync(HttpClient api, object body)
    {
        using var response = await api.PostAsJsonAsync("/api/v1/disconnects", body, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("operationId").GetGuid();
    }

    /// <summary>Runs the enforcer for the whole fleet, as its sweep would, so a test does not wait for the background run.</summary>
    private static Task EnforceAsync(PortalFactory portal) =>
        portal.InScopeAsync(sp => sp.GetRequiredService<DisconnectEnforcer>().RunAsync(sp, null, Ct));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Reconnecting_DuringTheWindow_IsDisconnectedAgain_AndTheAdminSeesEachTime(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        await vpn01.ReportAsync(Snapshots.Rras(vpn01, Snapshots.Session("ana@corp.example")));
        await vpn02.ReportAsync(Snapshots.Rras(vpn02, Snapshots.Session("bob@corp.example")));
        using var api = await AdminApiAsync(portal);

        var operationId = await DisconnectAsync(api, new { identity = "ana@corp.example", enforceFor = "4h" });
        var first = (await vpn01.PollAsync()).Commands.Single();
        (await vpn01.AnswerAsync(first.Id, CommandOutcome.Succeeded, "Disconnected ana@corp.example (1 session(s)).")).EnsureSuccessStatusCode();

        // A report taken before the disconnect ran still lists the old session: that is not a reconnection.
        await vpn01.ReportAsync(Snapshots.Rras(vpn01, Snapshots.Session("ana@corp.example")));
        await EnforceAsync(portal);
        (await vpn01.PollAsync()).Commands.ShouldBeEmpty("the old session is the first disconnect's to end");

        // The load balancer sends her to VPN02 a minute later: caught there, with the name that server reported.
        var reconnect = Snapshots.Session(@"CORP\ana", start: DateTimeOffset.UtcNow.AddSeconds(5)) with { UserNames = [@"CORP\ana", "Ana@Corp.Example"] };
        await vpn02.ReportAsync(Snapshots.Rras(vpn02, Snapshots.Session("bob@corp.example"), reconnect));
        var again = await WaitForCommandAsync(vpn02);
        again.Kind.ShouldBe(AgentCommandKinds.DisconnectUser);
        again.Payload!.Value.GetProperty("userName").GetString().ShouldBe("Ana@Corp.Example");
        (await vpn02.AnswerAsync(again.Id, CommandOutcome.Succeeded, "Disconnected Ana@Corp.Example (1 session(s)).")).EnsureSuccessStatusCode();

        var detail = await api.GetFromJsonAsync<JsonElement>($"/api/v1/operations/{operationId}", Ct);
        detail.GetProperty("outcome").GetString().ShouldBe("ended on 1 of 1 server; disconnected again 1 time after reconnecting");
        var enforcement = detail.GetProperty("enforcement");
        enforcement.GetProperty("state").GetString().ShouldBe("active");
        var redisconnect = enforcement.GetProperty("redisconnects").EnumerateArray().Single();
        redisconnect.GetProperty("serverName").GetString().ShouldBe("VPN02");
        redisconnect.GetProperty("status").GetString().ShouldBe("succeeded");

        // The same session reported again before the disconnect took effect: no second command.
        await vpn02.ReportAsync(Snapshots.Rras(vpn02, Snapshots.Session("bob@corp.example"), reconnect));
        await EnforceAsync(portal);
        (await vpn02.PollAsync()).Commands.ShouldBeEmpty();
    }

    [Fact]
    public async Task EndingTheWindowEarly_LetsTheIdentityBackOn_AndIsAudited()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        using var api = await AdminApiAsync(portal);

        // Nobody connected: the window is set anyway, so the device cannot come back.
        using (var response = await api.PostAsJsonAsync("/api/v1/disconnects", new { identity = "LT-4821.corp.example", enforceFor = "2d" }, Ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            var started = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            started.GetProperty("servers").GetInt32().ShouldBe(0);
            started.GetProperty("summary").GetString()!.ShouldContain("kept off until");
        }

        await using (var db = portal.Database.CreateContext())
        {
            var operationId = await db.FleetOperations.Select(o => o.Id).SingleAsync(Ct);
            using var end = await api.PostAsync($"/api/v1/disconnects/{operationId}/end-enforcement", null, Ct);
            end.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            using var again = await api.PostAsync($"/api/v1/disconnects/{operationId}/end-enforcement", null, Ct);
            again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await api.GetFromJsonAsync<JsonElement>($"/api/v1/operations/{operationId}", Ct)).GetProperty("enforcement").GetProperty("state").GetString().ShouldBe("ended-early");
        }

        await vpn01.ReportAsync(Snapshots.Rras(vpn01, Snapshots.Session("LT-4821.corp.example", ReportedTunnelType.Ikev2, start: DateTimeOffset.UtcNow)));
        await EnforceAsync(portal);
        (await vpn01.PollAsync()).Commands.ShouldBeEmpty("the window was ended");
        await using var check = portal.Database.CreateContext();
        (await check.AuditEntries.CountAsync(e => e.Action == "disconnect.enforcement-ended", Ct)).ShouldBe(1);
    }

    [Theory]
    [InlineData("soon", "enforceFor is a duration")]
    [InlineData("30s", "from one minute")]
    [InlineData("8d", "to 7 days")]
    public async Task BadWindow_Is400AndChangesNothing(string enforceFor, string mentions)
    {
        var (portal, api) = await shared.ForTheoryAsync(async s =>
        {
            var portal = s.Own(await PortalFactory.StartAsync());
            return (portal, s.Own(await AdminApiAsync(portal)));
        });
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await api.PostAsJsonAsync("/api/v1/disconnects", new { identity = "ana@corp.example", enforceFor }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(mentions);
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused disconnect changes nothing");
    }

    /// <summary>The enforcer reacts to the report in the background; poll until its command arrives.</summary>
    private static async Task<AgentCommandMessage> WaitForCommandAsync(TestAgent agent)
    {
        var batch = await agent.PollAsync(waitSeconds: 10);
        batch.Commands.Count.ShouldBe(1, "the reconnection is disconnected again");
        return batch.Commands[0];
    }
}
