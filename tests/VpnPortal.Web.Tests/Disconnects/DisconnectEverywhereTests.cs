using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.AgentApi;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Disconnects;

public sealed class DisconnectEverywhereTests(SharedPortals shared) : IClassFixture<SharedPortals>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(TestAgent Vpn01, TestAgent Vpn02, TestAgent Vpn03)> FleetWithAnaOnTwoServersAsync(PortalFactory portal)
    {
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        var vpn03 = await portal.EnrollAsync(ServerRole.Rras, "VPN03");
        await vpn01.ReportAsync(Snapshots.Rras(vpn01, Snapshots.Session(@"CORP\ana") with { UserNames = [@"CORP\ana", "ana@corp.example"] }));
        await vpn02.ReportAsync(Snapshots.Rras(vpn02, Snapshots.Session("ana@corp.example"), Snapshots.Session("bob@corp.example", address: "10.20.0.6")));
        await vpn03.ReportAsync(Snapshots.Rras(vpn03, Snapshots.Session("bob@corp.example")));
        return (vpn01, vpn02, vpn03);
    }

    private static async Task<HttpClient> AdminApiAsync(PortalFactory portal) =>
        portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.Admin)));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Disconnect_UserOnTwoOfThreeServers_QueuesOneCommandPerServer_AndReportsEachResult(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var (vpn01, vpn02, vpn03) = await FleetWithAnaOnTwoServersAsync(portal);
        using var api = await AdminApiAsync(portal);

        using var response = await api.PostAsJsonAsync("/api/v1/disconnects", new { identity = "ANA@corp.example" }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var started = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        started.GetProperty("servers").GetInt32().ShouldBe(2);
        var operationId = started.GetProperty("operationId").GetGuid();

        var onVpn01 = (await vpn01.PollAsync()).Commands.Single();
        onVpn01.Kind.ShouldBe(AgentCommandKinds.DisconnectUser);
        onVpn01.Payload!.Value.GetProperty("userName").GetString().ShouldBe("ana@corp.example", "the name as that server reported it");
        (await vpn03.PollAsync()).Commands.ShouldBeEmpty("ana is not connected to VPN03");
        (await vpn01.AnswerAsync(onVpn01.Id, CommandOutcome.Succeeded, "Disconnected ana@corp.example from VPN01 (1 session(s)).")).EnsureSuccessStatusCode();

        var midway = await api.GetFromJsonAsync<JsonElement>($"/api/v1/operations/{operationId}", Ct);
        midway.GetProperty("state").GetString().ShouldBe("running");
        midway.GetProperty("outcome").GetString().ShouldBe("ended on 1 of 2 servers; 1 still running");

        var onVpn02 = (await vpn02.PollAsync()).Commands.Single();
        (await vpn02.AnswerAsync(onVpn02.Id, CommandOutcome.Succeeded, "Disconnected ana@corp.example from VPN02 (1 session(s)).")).EnsureSuccessStatusCode();
        var done = await api.GetFromJsonAsync<JsonElement>($"/api/v1/operations/{operationId}", Ct);
        done.GetProperty("state").GetString().ShouldBe("completed");
        done.GetProperty("outcome").GetString().ShouldBe("ended on 2 of 2 servers");
        done.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("serverName").GetString()).ShouldBe(["VPN01", "VPN02"]);

        await using var db = portal.Database.CreateContext();
        var audit = await db.AuditEntries.SingleAsync(e => e.Action == "disconnect.started", Ct);
        audit.Summary.ShouldContain("ANA@corp.example");
        audit.Actor.ShouldContain("API key");
    }

    [Fact]
    public async Task Disconnect_ServerOffline_CommandExpiresAndTheOutcomeSaysSo()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var (vpn01, _, _) = await FleetWithAnaOnTwoServersAsync(portal);
        using var api = await AdminApiAsync(portal);
        using var response = await api.PostAsJsonAsync("/api/v1/disconnects", new { identity = "ana@corp.example" }, Ct);
        var operationId = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("operationId").GetGuid();
        var command = (await vpn01.PollAsync()).Commands.Single();
        (await vpn01.AnswerAsync(command.Id, CommandOutcome.Succeeded, "done")).EnsureSuccessStatusCode();

        time.Advance(TimeSpan.FromHours(1));
        await portal.InScopeAsync(sp => sp.GetRequiredService<CommandDelivery>().ExpireAsync(null, time.GetUtcNow(), Ct));

        var outcome = await api.GetFromJsonAsync<JsonElement>($"/api/v1/operations/{operationId}", Ct);
        outcome.GetProperty("state").GetString().ShouldBe("completed-with-errors");
        outcome.GetProperty("outcome").GetString().ShouldBe("ended on 1 of 2 servers; VPN02 did not answer: expired");
    }

    [Fact]
    public async Task Disconnect_NobodyConnected_SaysSoAndQueuesNothing()
    {
        await using var portal = await PortalFactory.StartAsync();
        await FleetWithAnaOnTwoServersAsync(portal);
        using var api = await AdminApiAsync(portal);

        using var response = await api.PostAsJsonAsync("/api/v1/disconnects", new { identity = "LT-4821.corp.example" }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("summary").GetString()!.ShouldContain("no live VPN session");
        await using var db = portal.Database.CreateContext();
        (await db.AgentCommands.CountAsync(Ct)).ShouldBe(0);
        (await db.FleetOperations.CountAsync(Ct)).ShouldBe(0);
    }

    [Theory]
    [InlineData("""{"identity":"ana"}""", "fully qualified")]
    [InlineData("""{"identity":""}""", "Enter a user")]
    [InlineData("""{}""", "Enter a user")]
    public async Task Disconnect_BadIdentity_Is400WithTheReasonAndChangesNothing(string body, string mentions)
    {
        var (portal, api) = await shared.ForTheoryAsync(async s =>
        {
            var portal = s.Own(await PortalFactory.StartAsync());
            await FleetWithAnaOnTwoServersAsync(portal);
            return (portal, s.Own(await AdminApiAsync(portal)));
        });
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await api.PostAsync("/api/v1/disconnects", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(mentions);
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused disconnect changes nothing");
    }
}
