using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.AgentApi;

public sealed class EnrollmentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Enroll_TokenUsedTwice_SecondAgentIsRefusedAndNothingIsCreated(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var token = await portal.CreateTokenAsync(ServerRole.Rras);

        using var first = await portal.PostEnrollAsync(token, "VPN01");
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var enrolled = (await first.Content.ReadFromJsonAsync<EnrollResponse>(AgentJson.Options, Ct))!;
        enrolled.Role.ShouldBe(AgentRole.Rras);
        enrolled.Credential.Length.ShouldBeGreaterThanOrEqualTo(43, "256 random bits in base64url are 43 characters");

        var before = await portal.CountRowsAsync();
        using var second = await portal.PostEnrollAsync(token, "VPN02");

        second.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await second.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!.Error.ShouldBe(AgentErrorCodes.InvalidEnrollmentToken);
        (await portal.CountRowsAsync()).ShouldEqual(before, "a used token must not enroll anything");
    }

    [Fact]
    public async Task Enroll_CredentialIsStoredOnlyAsItsHash()
    {
        await using var portal = await PortalFactory.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");

        await using var db = portal.Database.CreateContext();
        var stored = await db.Agents.SingleAsync(Ct);
        stored.CredentialHash.ShouldBe(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(agent.Enrollment.Credential)));
        (await DatabaseText.FindAsync(portal.Database, agent.Enrollment.Credential)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Enroll_ExpiredToken_IsRefused()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var token = await portal.CreateTokenAsync(ServerRole.Rras, TimeSpan.FromHours(1));
        time.Advance(TimeSpan.FromMinutes(61));

        using var response = await portal.PostEnrollAsync(token, "VPN01");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await using var db = portal.Database.CreateContext();
        (await db.Servers.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Enroll_RevokedToken_IsRefused()
    {
        await using var portal = await PortalFactory.StartAsync();
        var token = await portal.CreateTokenAsync(ServerRole.Nps);
        await portal.InScopeAsync(async sp =>
        {
            var tokens = sp.GetRequiredService<EnrollmentTokens>();
            var row = (await tokens.ListAsync(Ct)).Single();
            (await tokens.RevokeAsync(row.Id, null, Ct)).ShouldBeNull();
        });

        using var response = await portal.PostEnrollAsync(token, "NPS01");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Agent_RevokedByAdmin_GetsNotEnrolledOnEveryCall()
    {
        await using var portal = await PortalFactory.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        (await agent.ReportAsync(Snapshots.Rras(agent))).Applied.ShouldBeTrue();

        await portal.InScopeAsync(async sp => (await sp.GetRequiredService<VpnPortal.Web.Features.Agents.Agents>().RevokeAsync(agent.Enrollment.AgentId, null, Ct)).ShouldBeNull());

        using var report = await agent.SendAsync(Snapshots.Rras(agent));
        using var poll = await agent.Client.GetAsync(AgentRoutes.Commands + "?waitSeconds=0", Ct);
        foreach (var response in new[] { report, poll })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await response.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!.Error.ShouldBe(AgentErrorCodes.NotEnrolled);
        }
    }

    [Fact]
    public async Task Agent_UnknownCredential_GetsNotEnrolled()
    {
        await using var portal = await PortalFactory.StartAsync();
        var client = portal.CreateApiClient(null);
        client.DefaultRequestHeaders.Authorization = new("Bearer", "vpa_" + new string('A', 43));

        using var response = await client.GetAsync(AgentRoutes.Commands + "?waitSeconds=0", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!.Error.ShouldBe(AgentErrorCodes.NotEnrolled);
    }

    [Fact]
    public async Task Enroll_RebuiltServerSameName_KeepsServerAndHistoryAndRevokesOldAgent()
    {
        await using var portal = await PortalFactory.StartAsync();
        var old = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        (await old.ReportAsync(Snapshots.Rras(old, Snapshots.Session("alice@corp.example")))).Applied.ShouldBeTrue();
        await portal.InScopeAsync(sp => sp.GetRequiredService<AgentCommandQueue>().QueueAsync(old.ServerId, AgentCommandKinds.RefreshReport, null, PortalFactory.TestSetupActor, ct: Ct));

        var rebuilt = await portal.EnrollAsync(ServerRole.Rras, "vpn01");

        rebuilt.ServerId.ShouldBe(old.ServerId);
        await using var db = portal.Database.CreateContext();
        (await db.Servers.CountAsync(Ct)).ShouldBe(1);
        (await db.VpnSessions.CountAsync(s => s.RrasServerId == old.ServerId, Ct)).ShouldBe(1, "the server's sessions stay");
        (await db.AgentCommands.CountAsync(c => c.ServerId == old.ServerId, Ct)).ShouldBe(1, "the server's command history stays");
        var previous = await db.Agents.SingleAsync(a => a.Id == old.Enrollment.AgentId, Ct);
        previous.RevokedAt.ShouldNotBeNull();
        previous.RevokedReason!.ShouldContain("enrolled again");
        (await db.Servers.SingleAsync(Ct)).AgentId.ShouldBe(rebuilt.Enrollment.AgentId);

        using var stale = await old.SendAsync(Snapshots.Rras(old));
        stale.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the replaced agent's credential no longer works");
        (await rebuilt.PollAsync()).Commands.Count.ShouldBe(1, "the new agent picks up the server's pending command");
    }

    [Fact]
    public async Task Enroll_NameTakenByServerOfOtherRole_IsRefusedAndTokenStaysUsable()
    {
        await using var portal = await PortalFactory.StartAsync();
        await portal.EnrollAsync(ServerRole.Nps, "SRV01");
        var token = await portal.CreateTokenAsync(ServerRole.Rras);

        using var refused = await portal.PostEnrollAsync(token, "SRV01");
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await refused.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!.Message.ShouldContain("NPS");

        using var retried = await portal.PostEnrollAsync(token, "VPN01");
        retried.StatusCode.ShouldBe(HttpStatusCode.OK, "the refused attempt must not have used up the token");
    }

    [Theory]
    [InlineData("""{"token":"x","agentVersion":"1"}""", "machineName")]
    [InlineData("""{"token":"x","machineName":"VPN 01!","agentVersion":"1"}""", "machineName")]
    [InlineData("""{"token":"x","machineName":12,"agentVersion":"1"}""", "machineName")]
    [InlineData("""not json""", "$")]
    public async Task Enroll_MalformedRequest_Is400NamingTheField(string body, string field)
    {
        await using var portal = await PortalFactory.StartAsync();

        using var response = await portal.CreateApiClient(null).PostAsync(AgentRoutes.Enroll, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = (await response.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!;
        (problem.Field + " " + problem.Message).ShouldContain(field);
    }

    [Fact]
    public async Task Enroll_WritesAnAuditEntryNamingTheServer()
    {
        await using var portal = await PortalFactory.StartAsync();
        await portal.EnrollAsync(ServerRole.Rras, "VPN01");

        await using var db = portal.Database.CreateContext();
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == "agent.enrolled", Ct);
        entry.Summary.ShouldContain("VPN01");
    }
}
