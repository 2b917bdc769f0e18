using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Disconnects;

/// <summary>Sessions RRAS keeps after the user left are listed with the reason and ended alone, by tunnel address.</summary>
public sealed class StaleSessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpClient> ApiAsync(PortalFactory portal, string role) =>
        portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(role)));

    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-5).ToUnixTimeSeconds());

    /// <summary>
    /// VPN01: carol idle for 3 hours, dave busy. VPN02: bob twice (an old connection and a newer one), both busy.
    /// </summary>
    private static async Task<(TestAgent Vpn01, TestAgent Vpn02)> FleetAsync(PortalFactory portal, FakeTimeProvider time)
    {
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        var carol = Snapshots.Session("carol@corp.example", start: Start, address: "10.20.0.7");
        ReportedSession Dave(long bytes) => Snapshots.Session("dave@corp.example", start: Start, address: "10.20.0.8", bytesIn: bytes);
        ReportedSession OldBob(long bytes) => Snapshots.Session("bob@corp.example", start: Start, address: "10.20.0.9", bytesIn: bytes);
        ReportedSession NewBob(long bytes) => Snapshots.Session("BOB@corp.example", start: Start.AddHours(4), address: "10.20.0.10", bytesIn: bytes);
        await vpn01.ReportAsync(Snapshots.Rras(vpn01, carol, Dave(1000)));
        await vpn02.ReportAsync(Snapshots.Rras(vpn02, OldBob(1000), NewBob(1000)));
        time.Advance(TimeSpan.FromHours(3));
        await vpn01.ReportAsync(Snapshots.Rras(vpn01, carol, Dave(5000)));
        await vpn02.ReportAsync(Snapshots.Rras(vpn02, OldBob(5000), NewBob(5000)));
        return (vpn01, vpn02);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task IdleAndDuplicateSessions_AreListedWithTheReason_AndEndedAloneByTunnelAddress(string provider)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(provider, time);
        var (vpn01, vpn02) = await FleetAsync(portal, time);
        using var oncall = await ApiAsync(portal, Roles.OnCall);

        var stale = (await oncall.GetFromJsonAsync<JsonElement[]>("/api/v1/sessions/stale", Ct))!;

        stale.Select(s => (s.GetProperty("serverName").GetString(), s.GetProperty("userName").GetString(), s.GetProperty("reason").GetString())).ShouldBe(
        [
            ("VPN01", "carol@corp.example", "no traffic for 3 hours"),
            ("VPN02", "bob@corp.example", "bob@corp.example has a newer connection to VPN02"),
        ]);
        (await oncall.GetFromJsonAsync<JsonElement[]>("/api/v1/sessions/stale?server=vpn02", Ct))!.Length.ShouldBe(1);
        (await oncall.GetFromJsonAsync<JsonElement[]>("/api/v1/sessions/stale?idleFor=4h", Ct))!.Length.ShouldBe(1, "carol has been idle for three hours only");

        using var admin = await ApiAsync(portal, Roles.Admin);
        using var response = await admin.PostAsJsonAsync("/api/v1/sessions/cleanup", new { sessionIds = stale.Select(s => s.GetProperty("id").GetGuid()) }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var operationId = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("operationId").GetGuid();

        var onVpn02 = (await vpn02.PollAsync()).Commands.Single();
        onVpn02.Kind.ShouldBe(AgentCommandKinds.DisconnectSessions);
        onVpn02.Payload!.Value.GetProperty("tunnelAddresses").EnumerateArray().Select(a => a.GetString()).ShouldBe(["10.20.0.9"], "bob's newer connection stays up");
        (await vpn02.AnswerAsync(onVpn02.Id, CommandOutcome.Succeeded, "Disconnected 10.20.0.9.")).EnsureSuccessStatusCode();
        var onVpn01 = (await vpn01.PollAsync()).Commands.Single();
        onVpn01.Payload!.Value.GetProperty("tunnelAddresses").EnumerateArray().Select(a => a.GetString()).ShouldBe(["10.20.0.7"]);

        var detail = await oncall.GetFromJsonAsync<JsonElement>($"/api/v1/operations/{operationId}", Ct);
        detail.GetProperty("outcome").GetString().ShouldBe("ended on 1 of 2 servers; 1 still running");
        await using var db = portal.Database.CreateContext();
        var audit = await db.AuditEntries.SingleAsync(e => e.Action == "sessions.cleanup-started", Ct);
        audit.Summary.ShouldBe("End 2 stale or duplicate session(s) on 2 server(s)");
    }

    [Fact]
    public async Task EndingSessions_ThatEndedOrDoNotExist_IsRefusedAndQueuesNothing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var (vpn01, _) = await FleetAsync(portal, time);
        using var admin = await ApiAsync(portal, Roles.Admin);
        await using var db = portal.Database.CreateContext();
        var carol = await db.VpnSessions.Where(s => s.UserName == "carol@corp.example").Select(s => s.Id).SingleAsync(Ct);
        await vpn01.ReportAsync(Snapshots.Rras(vpn01)); // everyone on VPN01 left
        var before = await portal.CountRowsWhenSettledAsync();

        foreach (var (body, mentions) in new (object Body, string Mentions)[]
        {
            (new { sessionIds = new[] { carol } }, "has already ended"),
            (new { sessionIds = new[] { Guid.NewGuid() } }, "do not exist"),
            (new { sessionIds = Array.Empty<Guid>() }, "at least one session"),
            (new { }, "at least one session"),
        })
        {
            using var response = await admin.PostAsJsonAsync("/api/v1/sessions/cleanup", body, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(mentions);
        }

        using var badIdle = await admin.GetAsync("/api/v1/sessions/stale?idleFor=1m", Ct);
        badIdle.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var badServer = await admin.GetAsync("/api/v1/sessions/stale?server=VPN99", Ct);
        (await badServer.Content.ReadAsStringAsync(Ct)).ShouldContain("There is no RRAS server 'VPN99'");
        (await portal.CountRowsAsync()).ShouldEqual(before, "refusals change nothing");
    }
}
