using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
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

        var servers = await ServerCountAsync(portal);
        using var second = await portal.PostEnrollAsync(token, "VPN02");

        second.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await second.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!.Error.ShouldBe(AgentErrorCodes.InvalidEnrollmentToken);
        (await ServerCountAsync(portal)).ShouldBe(servers, "a used token must not enroll anything");
        await using var db = portal.Database.CreateContext();
        (await db.Agents.CountAsync(Ct)).ShouldBe(1);
        (await db.AuditEntries.SingleAsync(e => e.Action == "agent.enrollment-refused", Ct)).Summary.ShouldBe("Refused the enrollment of VPN02: the token is already used");
    }

    private static async Task<int> ServerCountAsync(PortalFactory portal)
    {
        await using var db = portal.Database.CreateContext();
        return await db.Servers.CountAsync(Ct);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Enroll_NewServerTokenUnderAnEnrolledServersName_IsRefusedAuditedAndTheServerKeepsItsAgent(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var real = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await portal.InScopeAsync(sp => sp.GetRequiredService<AgentCommandQueue>().QueueAsync(real.ServerId, AgentCommandKinds.RefreshReport, null, PortalFactory.TestSetupActor, ct: Ct));
        var token = await portal.CreateTokenAsync(ServerRole.Rras);

        using var takeover = await portal.PostEnrollAsync(token, "vpn01");

        takeover.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = (await takeover.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!;
        problem.Error.ShouldBe(AgentErrorCodes.EnrollmentRefused);
        problem.Message.ShouldContain("VPN01 is already in the portal");
        problem.Message.ShouldContain("--replace VPN01");
        await using (var db = portal.Database.CreateContext())
        {
            (await db.Agents.SingleAsync(Ct)).Id.ShouldBe(real.Enrollment.AgentId, "no agent was added and the real one was not revoked");
            (await db.Agents.SingleAsync(Ct)).RevokedAt.ShouldBeNull();
            (await db.AgentEnrollmentTokens.CountAsync(t => t.UsedAt == null, Ct)).ShouldBe(1, "a refused attempt does not use up the token");
            var audit = await db.AuditEntries.SingleAsync(e => e.Action == "agent.enrollment-refused", Ct);
            audit.Actor.ShouldBe("agent enrolling as vpn01");
            audit.Summary.ShouldStartWith("Refused the enrollment of vpn01: VPN01 is already in the portal");
        }

        (await real.PollAsync()).Commands.Count.ShouldBe(1, "the server's commands still go to its own agent");
        using var elsewhere = await portal.PostEnrollAsync(token, "VPN02");
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.OK, "the token still enrolls a new server");
    }

    [Fact]
    public async Task AgentClient_RefusedEnrollment_StopsWithThePortalsReason_WithoutRetrying()
    {
        await using var portal = await PortalFactory.StartAsync();
        await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var token = await portal.CreateTokenAsync(ServerRole.Rras);
        using var http = new HttpClient(portal.Server.CreateHandler());
        var client = new VpnPortal.Agent.Runtime.AgentClient(http, new Uri("http://localhost/"), credential: null, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var refused = await Should.ThrowAsync<VpnPortal.Agent.Runtime.EnrollmentRejectedException>(() => client.EnrollAsync(
            new EnrollRequest { Token = token, MachineName = "VPN01", AgentVersion = "1.0.0-test" }, Ct));

        refused.StatusCode.ShouldBe(409);
        refused.Message.ShouldContain("VPN01 is already in the portal");
    }

    [Fact]
    public async Task Enroll_TokenNamedForOneServer_EnrollsOnlyThatName()
    {
        await using var portal = await PortalFactory.StartAsync();
        var token = await portal.CreateTokenAsync(new EnrollmentTokens.Request(ServerRole.Rras, "VPN03"));

        using var other = await portal.PostEnrollAsync(token, "VPN04");
        using var named = await portal.PostEnrollAsync(token, "vpn03");

        other.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await other.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!.Message
            .ShouldBe("This token enrolls a new server named VPN03, but this machine enrolls as VPN04. Run it on that server, or create a token for this one. The token was not used.");
        named.StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var db = portal.Database.CreateContext();
        (await db.Servers.SingleAsync(Ct)).Name.ShouldBe("vpn03");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Enroll_ReplacementToken_ReplacesOnlyItsServer(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        var token = await portal.CreateTokenAsync(new EnrollmentTokens.Request(null, ReplaceServer: "vpn01"));

        using var wrongServer = await portal.PostEnrollAsync(token, "VPN02");
        using var newServer = await portal.PostEnrollAsync(token, "VPN05");
        using var rebuilt = await portal.PostEnrollAsync(token, "VPN01");

        wrongServer.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await wrongServer.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!.Message.ShouldStartWith("This token replaces the agent of VPN01, but this machine enrolls as VPN02.");
        newServer.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        rebuilt.StatusCode.ShouldBe(HttpStatusCode.OK);
        var enrolled = (await rebuilt.Content.ReadFromJsonAsync<EnrollResponse>(AgentJson.Options, Ct))!;
        enrolled.ServerId.ShouldBe(vpn01.ServerId);
        await using var db = portal.Database.CreateContext();
        (await db.Agents.SingleAsync(a => a.Id == vpn02.Enrollment.AgentId, Ct)).RevokedAt.ShouldBeNull("VPN02 keeps its agent");
        (await db.Agents.SingleAsync(a => a.Id == vpn01.Enrollment.AgentId, Ct)).RevokedReason.ShouldBe("Replaced: the server enrolled again");
        (await db.AuditEntries.CountAsync(e => e.Action == "agent.enrollment-refused", Ct)).ShouldBe(2);
    }

    [Fact]
    public async Task Enroll_AuditCreditsTheEnrollingMachine_AndNamesTheServer()
    {
        await using var portal = await PortalFactory.StartAsync();
        await portal.EnrollAsync(ServerRole.Nps, "NPS01");

        await using var db = portal.Database.CreateContext();
        var entries = await db.AuditEntries.Where(e => e.Action != "agent-enrollment-token.created").OrderBy(e => e.Id).ToListAsync(Ct);
        entries.Select(e => (e.Action, e.Actor, e.Summary)).ShouldBe(
        [
            ("nps-server.created", "agent enrolling as NPS01", "Created NPS server NPS01 by enrolling its agent"),
            ("agent.enrolled", "agent enrolling as NPS01", "Created agent for new NPS server NPS01"),
        ]);
        entries.ShouldAllBe(e => e.Actor != "anonymous");
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
            (await tokens.RevokeAsync(row.Id, null, Ct)).Error.ShouldBeNull();
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

        await portal.InScopeAsync(async sp => (await sp.GetRequiredService<VpnPortal.Web.Features.Agents.Agents>().RevokeAsync(agent.Enrollment.AgentId, null, Ct)).Error.ShouldBeNull());

        await using (var db = portal.Database.CreateContext())
        {
            (await db.AuditEntries.SingleAsync(e => e.Action == "agent.revoked", Ct)).Summary.ShouldBe("Revoked agent of VPN01", "the log names the server whose agent it was");
        }

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

        var token = await portal.CreateTokenAsync(new EnrollmentTokens.Request(null, ReplaceServer: "VPN01"));
        using var response = await portal.PostEnrollAsync(token, "vpn01");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var rebuilt = portal.AgentClient((await response.Content.ReadFromJsonAsync<EnrollResponse>(AgentJson.Options, Ct))!, "vpn01");

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
        (await refused.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!.Message.ShouldContain("SRV01 is already in the portal");

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
