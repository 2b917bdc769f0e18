using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.AgentApi;
using VpnPortal.Web.Features.UntrustedCertificates;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.UntrustedCertificates.UntrustedFleet;

namespace VpnPortal.Web.Tests.UntrustedCertificates;

/// <summary>The untrusted set converging over real HTTP: agents enrolled with tokens, polling commands, sending reports.</summary>
public sealed class UntrustedCertificateConvergenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Untrust_ThreeServers_OneImportEach_ReportsConfirmThreeOfThree(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var agents = new[] { await portal.EnrollAsync(ServerRole.Rras, "VPN01"), await portal.EnrollAsync(ServerRole.Rras, "VPN02"), await portal.EnrollAsync(ServerRole.Rras, "VPN03") };
        foreach (var agent in agents)
        {
            await agent.ReportAsync(Report(agent));
        }

        using var device = DeviceCertificate("LT-4821.corp.example");
        using var api = await AdminApiAsync(portal);

        var done = await UntrustOkAsync(api, new { certificate = Convert.ToBase64String(device.RawData), reason = "laptop stolen" });

        done.GetProperty("sha1Thumbprint").GetString().ShouldBe(device.Thumbprint);
        done.GetProperty("deviceName").GetString().ShouldBe("LT-4821.corp.example");
        done.GetProperty("commandsQueued").GetInt32().ShouldBe(3);
        var midway = await ItemAsync(api, device.Thumbprint);
        midway.GetProperty("placement").GetString().ShouldBe("0 of 3");
        ServerState(midway, "VPN02").GetProperty("reason").GetString().ShouldBe("queued, waiting for the agent");

        foreach (var agent in agents)
        {
            var command = await NextCommandAsync(agent, AgentCommandKinds.ImportCertificate);
            var payload = command.Payload!.Value.Deserialize<ImportCertificatePayload>(AgentJson.Options)!;
            payload.Store.ShouldBe(CertificateStoreKind.Disallowed);
            payload.Sha1Thumbprint.ShouldBe(device.Thumbprint);
            Convert.FromBase64String(payload.CertificateDer).ShouldBe(device.RawData);
            await AnswerAsync(agent, command, CommandOutcome.Succeeded, $"Imported certificate {device.Thumbprint} into Disallowed.");
            await agent.ReportAsync(Report(agent, device));
        }

        var item = await ItemAsync(api, device.Thumbprint);
        item.GetProperty("placement").GetString().ShouldBe("3 of 3");
        item.GetProperty("summary").GetString().ShouldBe("in place on 3 of 3 servers");
        item.GetProperty("problems").GetArrayLength().ShouldBe(0);
        item.GetProperty("serverStates").EnumerateArray().Select(s => s.GetProperty("state").GetString()).ShouldAllBe(s => s == "in-place");

        // Converged: more passes, more reports, nothing more to send.
        await ConvergeAsync(portal);
        await agents[0].ReportAsync(Report(agents[0], device));
        await ConvergeAsync(portal);
        var commands = await CertificateCommandsAsync(portal);
        commands.Select(c => c.Server).ShouldBe(["VPN01", "VPN02", "VPN03"], ignoreOrder: true);
        commands.ShouldAllBe(c => c.Status == AgentCommandStatus.Succeeded && c.RequestedBy.Contains("API key"), "the first imports are the admin's");

        await using var db = portal.Database.CreateContext();
        (await db.AuditEntries.SingleAsync(e => e.Action == "untrusted-certificate.added", Ct)).Summary.ShouldBe("Untrusted LT-4821.corp.example on every RRAS server: laptop stolen");
        (await db.Certificates.SingleAsync(c => c.Sha1Thumbprint == device.Thumbprint, Ct)).Source.ShouldBe(CertificateSource.Uploaded);
    }

    [Fact]
    public async Task TwoServersReportingAtOnce_EachGetsExactlyOneImport_AndAgainNoneWhilePending()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        using var device = DeviceCertificate("LT-1001.corp.example");
        using var api = await AdminApiAsync(portal);

        var done = await UntrustOkAsync(api, new { certificate = Pem(device) });
        done.GetProperty("commandsQueued").GetInt32().ShouldBe(0, "neither server has reported, so their stores are unknown");
        ServerState(await ItemAsync(api, device.Thumbprint), "VPN01").GetProperty("reason").GetString().ShouldBe("waiting for the agent's first report");

        await Task.WhenAll(vpn01.ReportAsync(Report(vpn01)), vpn02.ReportAsync(Report(vpn02)));
        await Task.WhenAll(ConvergeAsync(portal), ConvergeAsync(portal));
        await Task.WhenAll(vpn01.ReportAsync(Report(vpn01)), vpn02.ReportAsync(Report(vpn02)), ConvergeAsync(portal));
        await ConvergeAsync(portal);

        var commands = await CertificateCommandsAsync(portal);
        commands.Select(c => c.Server).Order().ToList().ShouldBe(["VPN01", "VPN02"], "one pending import per server and certificate, however many reports and passes");
        commands.ShouldAllBe(c => c.RequestedBy == "system" && c.Status == AgentCommandStatus.Queued);
    }

    [Fact]
    public async Task ServerOffline_ImportExpires_SaysWhy_AndIsQueuedAgainWhenTheAgentIsBack()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var vpn03 = await portal.EnrollAsync(ServerRole.Rras, "VPN03");
        await vpn01.ReportAsync(Report(vpn01));
        await vpn03.ReportAsync(Report(vpn03));
        var vpn03LastSeen = time.GetUtcNow();
        using var device = DeviceCertificate("LT-2002.corp.example");
        using var api = await AdminApiAsync(portal);
        await UntrustOkAsync(api, new { certificate = Pem(device), reason = "left the company" });
        var onVpn01 = await NextCommandAsync(vpn01, AgentCommandKinds.ImportCertificate);
        await AnswerAsync(vpn01, onVpn01, CommandOutcome.Succeeded, "Imported.");

        // VPN03 is silent for an hour: its import is never collected and expires; nothing new is queued meanwhile.
        time.Advance(TimeSpan.FromHours(1));
        await vpn01.ReportAsync(Report(vpn01, device));
        await portal.InScopeAsync(sp => sp.GetRequiredService<CommandDelivery>().ExpireAsync(null, time.GetUtcNow(), Ct));
        await ConvergeAsync(portal);
        await ConvergeAsync(portal);

        var item = await ItemAsync(api, device.Thumbprint);
        item.GetProperty("placement").GetString().ShouldBe("1 of 2");
        item.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).ShouldBe([$"VPN03: agent offline since {ListUntrustedCertificates.Utc(vpn03LastSeen)}"]);
        ServerState(item, "VPN03").GetProperty("state").GetString().ShouldBe("offline");
        (await CertificateCommandsAsync(portal)).Where(c => c.Server == "VPN03").Select(c => c.Status).ShouldBe([AgentCommandStatus.Expired]);

        // Back: its first poll after the outage and its report bring one new import, queued by the portal.
        time.Advance(TimeSpan.FromSeconds(5));
        await vpn03.ReportAsync(Report(vpn03));
        var again = await NextCommandAsync(vpn03, AgentCommandKinds.ImportCertificate);
        await AnswerAsync(vpn03, again, CommandOutcome.Succeeded, "Imported.");
        time.Advance(TimeSpan.FromSeconds(5));
        await vpn03.ReportAsync(Report(vpn03, device));

        (await ItemAsync(api, device.Thumbprint)).GetProperty("placement").GetString().ShouldBe("2 of 2");
        (await CertificateCommandsAsync(portal)).Where(c => c.Server == "VPN03").Select(c => (c.Status, c.RequestedBy))
            .ShouldBe([(AgentCommandStatus.Expired, $"{(await FirstAdminAsync(portal))} (API key 'tests')"), (AgentCommandStatus.Succeeded, "system")]);
    }

    [Fact]
    public async Task ImportFailed_ShowsTheAgentsMessage_AndIsRetriedAfterTheRetryDelay()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        await vpn02.ReportAsync(Report(vpn02));
        using var device = DeviceCertificate("LT-3003.corp.example");
        using var api = await AdminApiAsync(portal);
        await UntrustOkAsync(api, new { certificate = Pem(device) });

        var command = await NextCommandAsync(vpn02, AgentCommandKinds.ImportCertificate);
        await AnswerAsync(vpn02, command, CommandOutcome.Failed, "Access is denied.");
        await ConvergeAsync(portal);

        var item = await ItemAsync(api, device.Thumbprint);
        var reason = ServerState(item, "VPN02").GetProperty("reason").GetString()!;
        reason.ShouldStartWith("import failed: Access is denied.");
        item.GetProperty("problems")[0].GetString()!.ShouldStartWith("VPN02: import failed: Access is denied.");
        (await CertificateCommandsAsync(portal)).Count.ShouldBe(1, "a failure is not retried at once");

        time.Advance(ConvergencePass.RetryFailedAfter + TimeSpan.FromSeconds(1));
        await ConvergeAsync(portal);

        (await NextCommandAsync(vpn02, AgentCommandKinds.ImportCertificate)).Id.ShouldNotBe(command.Id);
        (await CertificateCommandsAsync(portal)).Select(c => c.Status).ShouldBe([AgentCommandStatus.Failed, AgentCommandStatus.Delivered]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ServerEnrolledLater_GetsTheWholeSetOnItsFirstReport(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await vpn01.ReportAsync(Report(vpn01));
        using var first = DeviceCertificate("LT-0001.corp.example");
        using var second = DeviceCertificate("LT-0002.corp.example");
        using var api = await AdminApiAsync(portal);
        await UntrustOkAsync(api, new { certificate = Pem(first) });
        await UntrustOkAsync(api, new { certificate = Pem(second) });

        var vpn04 = await portal.EnrollAsync(ServerRole.Rras, "VPN04");
        (await ItemAsync(api, first.Thumbprint)).GetProperty("placement").GetString().ShouldBe("0 of 2", "an enrolled server counts at once");
        await vpn04.ReportAsync(Report(vpn04, first));

        var batch = await EventuallyAsync(
            async () => (await vpn04.PollAsync(waitSeconds: 5)).Commands,
            c => c.Count > 0,
            "VPN04 gets the import it lacks");
        batch.Select(c => c.Payload!.Value.GetProperty("sha1Thumbprint").GetString()).ShouldBe([second.Thumbprint], "it already has the first one");
        (await ItemAsync(api, first.Thumbprint)).GetProperty("placement").GetString().ShouldBe("1 of 2");
        (await CertificateCommandsAsync(portal)).Where(c => c.Server == "VPN04").ShouldAllBe(c => c.RequestedBy == "system");
    }

    [Fact]
    public async Task Drift_ReportWithoutTheCertificateAfterConfirmation_RePushesAndRecordsWhenAndWhere_UntilCorrected()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        using var device = DeviceCertificate("LT-4004.corp.example");
        await vpn01.ReportAsync(Report(vpn01));
        await vpn02.ReportAsync(Report(vpn02, device)); // already untrusted there by hand
        using var api = await AdminApiAsync(portal);
        await UntrustOkAsync(api, new { certificate = Pem(device) });
        var first = await NextCommandAsync(vpn01, AgentCommandKinds.ImportCertificate);
        await AnswerAsync(vpn01, first, CommandOutcome.Succeeded, "Imported.");
        await vpn01.ReportAsync(Report(vpn01, device));
        await ConvergeAsync(portal);
        (await ItemAsync(api, device.Thumbprint)).GetProperty("placement").GetString().ShouldBe("2 of 2");

        // Someone deletes it from Untrusted Certificates on VPN02.
        await vpn02.ReportAsync(Report(vpn02));
        var repush = await NextCommandAsync(vpn02, AgentCommandKinds.ImportCertificate);

        var item = await ItemAsync(api, device.Thumbprint);
        item.GetProperty("placement").GetString().ShouldBe("1 of 2");
        ServerState(item, "VPN02").GetProperty("reason").GetString()!.ShouldContain("removed from the store on the server");
        var drift = item.GetProperty("drift").EnumerateArray().Single();
        drift.GetProperty("serverName").GetString().ShouldBe("VPN02");
        drift.GetProperty("correctedAt").ValueKind.ShouldBe(JsonValueKind.Null);
        await using (var db = portal.Database.CreateContext())
        {
            var row = await db.UntrustedCertificateDrifts.SingleAsync(Ct);
            var reportedAt = await db.Servers.Where(s => s.Name == "VPN02").Select(s => s.LastReportAt).SingleAsync(Ct);
            row.DetectedAt.ShouldBe(reportedAt!.Value, "the drift is dated by the report that showed it");
        }

        (await CertificateCommandsAsync(portal)).Last().RequestedBy.ShouldBe("system", "a re-push is the portal's own work");

        await AnswerAsync(vpn02, repush, CommandOutcome.Succeeded, "Imported.");
        await vpn02.ReportAsync(Report(vpn02, device));
        await ConvergeAsync(portal);

        var corrected = await ItemAsync(api, device.Thumbprint);
        corrected.GetProperty("placement").GetString().ShouldBe("2 of 2");
        corrected.GetProperty("drift")[0].GetProperty("correctedAt").ValueKind.ShouldBe(JsonValueKind.String);
        (await ListAsync(api)).GetProperty("driftHistory").GetArrayLength().ShouldBe(1);
        await ConvergeAsync(portal);
        await using var after = portal.Database.CreateContext();
        (await after.UntrustedCertificateDrifts.CountAsync(Ct)).ShouldBe(1, "one drift, recorded once");
        (await CertificateCommandsAsync(portal)).Count.ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Remove_QueuesARemovalWhereverItIs_AndItLeavesTheSetOnceReportsShowItGone(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        var vpn03 = await portal.EnrollAsync(ServerRole.Rras, "VPN03");
        using var device = DeviceCertificate("LT-5005.corp.example");
        await vpn01.ReportAsync(Report(vpn01, device));
        await vpn02.ReportAsync(Report(vpn02, device));
        await vpn03.ReportAsync(Report(vpn03));
        using var api = await AdminApiAsync(portal);
        await UntrustOkAsync(api, new { certificate = Pem(device) });
        (await NextCommandAsync(vpn03, AgentCommandKinds.ImportCertificate)).ShouldNotBeNull("VPN03 collects its import but has not answered yet");

        using var response = await api.DeleteAsync($"{Route}/{device.Thumbprint.ToLowerInvariant()}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var removing = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        removing.GetProperty("commandsQueued").GetInt32().ShouldBe(2, "VPN01 and VPN02 list it; VPN03 is still running its import");
        (await ItemAsync(api, device.Thumbprint)).GetProperty("state").GetString().ShouldBe("removing");
        foreach (var agent in new[] { vpn01, vpn02 })
        {
            var command = await NextCommandAsync(agent, AgentCommandKinds.RemoveCertificate);
            var payload = command.Payload!.Value.Deserialize<RemoveCertificatePayload>(AgentJson.Options)!;
            (payload.Store, payload.Sha1Thumbprint).ShouldBe((CertificateStoreKind.Disallowed, device.Thumbprint));
            await AnswerAsync(agent, command, CommandOutcome.Succeeded, "Removed.");
            await agent.ReportAsync(Report(agent));
        }

        // VPN03's import finishes after all; the removal follows it there too.
        var vpn03Import = (await CertificateCommandsAsync(portal)).Count(c => c.Server == "VPN03");
        vpn03Import.ShouldBe(1);
        await using (var db = portal.Database.CreateContext())
        {
            var importId = await db.AgentCommands.Where(c => c.Server!.Name == "VPN03").Select(c => c.Id).SingleAsync(Ct);
            (await vpn03.AnswerAsync(importId, CommandOutcome.Succeeded, "Imported.")).EnsureSuccessStatusCode();
        }

        await vpn03.ReportAsync(Report(vpn03, device));
        var removal = await NextCommandAsync(vpn03, AgentCommandKinds.RemoveCertificate);
        (await ItemAsync(api, device.Thumbprint)).GetProperty("summary").GetString().ShouldBe("being removed: still on 1 of 3 servers");
        await AnswerAsync(vpn03, removal, CommandOutcome.Succeeded, "Removed.");
        await vpn03.ReportAsync(Report(vpn03));
        await ConvergeAsync(portal);

        (await ListAsync(api)).GetProperty("items").GetArrayLength().ShouldBe(0);
        await using var after = portal.Database.CreateContext();
        (await after.UntrustedCertificates.CountAsync(Ct)).ShouldBe(0);
        (await after.UntrustedCertificatePlacements.CountAsync(Ct)).ShouldBe(0);
        var actions = await after.AuditEntries.Where(e => e.EntityType == "untrusted-certificate").Select(e => e.Action).ToListAsync(Ct);
        actions.ShouldContain("untrusted-certificate.removal-requested");
        actions.ShouldContain("untrusted-certificate.removed");
        (await CertificateCommandsAsync(portal)).Count(c => c.Kind == AgentCommandKinds.RemoveCertificate).ShouldBe(3);
    }

    [Fact]
    public async Task Remove_WhileAnImportIsStillQueued_CancelsIt_AndNothingIsLeftToRemove()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await vpn01.ReportAsync(Report(vpn01));
        using var device = DeviceCertificate("LT-6006.corp.example");
        using var api = await AdminApiAsync(portal);
        await UntrustOkAsync(api, new { certificate = Pem(device) });

        using var response = await api.DeleteAsync($"{Route}/{device.Thumbprint}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, "no server lists it, so it leaves the set at once");
        (await CertificateCommandsAsync(portal)).Select(c => c.Status).ShouldBe([AgentCommandStatus.Cancelled]);
        (await vpn01.PollAsync()).Commands.ShouldBeEmpty();
        (await ListAsync(api)).GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Remove_UnknownOrBadThumbprint_IsRefusedAndChangesNothing()
    {
        await using var portal = await PortalFactory.StartAsync();
        using var api = await AdminApiAsync(portal);
        var before = await portal.CountRowsWhenSettledAsync();

        using var unknown = await api.DeleteAsync($"{Route}/{new string('A', 40)}", Ct);
        using var bad = await api.DeleteAsync($"{Route}/not-a-thumbprint", Ct);

        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync(Ct)).ShouldContain("40 hexadecimal characters");
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused removal writes nothing");
    }

    [Fact]
    public async Task ServersWithoutAnAgent_AreListedAsNoAgent_AndNotCounted()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await vpn01.ReportAsync(Report(vpn01));
        var revoked = await portal.EnrollAsync(ServerRole.Rras, "VPN09");
        await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            db.RrasServers.Add(new RrasServer { Id = Guid.NewGuid(), Name = "VPN05", PublicFqdns = ["vpn.corp.example"] });
            await db.SaveChangesAsync(Ct);
            var agentId = await db.Agents.Where(a => a.ServerId == revoked.ServerId).Select(a => a.Id).SingleAsync(Ct);
            (await sp.GetRequiredService<VpnPortal.Web.Features.Agents.Agents>().RevokeAsync(agentId, null, Ct)).Error.ShouldBeNull();
        });
        using var device = DeviceCertificate("LT-7007.corp.example");
        using var api = await AdminApiAsync(portal);

        var done = await UntrustOkAsync(api, new { certificate = Pem(device) });

        done.GetProperty("commandsQueued").GetInt32().ShouldBe(1);
        var item = await ItemAsync(api, device.Thumbprint);
        item.GetProperty("placement").GetString().ShouldBe("0 of 1");
        ServerState(item, "VPN05").GetProperty("state").GetString().ShouldBe("no-agent");
        ServerState(item, "VPN05").GetProperty("counted").GetBoolean().ShouldBeFalse();
        ServerState(item, "VPN09").GetProperty("state").GetString().ShouldBe("agent-revoked");
        item.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).ShouldBe(["VPN01: queued, waiting for the agent"]);
        (await CertificateCommandsAsync(portal)).Select(c => c.Server).ShouldBe(["VPN01"]);
    }

    private static async Task<string> FirstAdminAsync(PortalFactory portal)
    {
        await using var db = portal.Database.CreateContext();
        return await db.Users.OrderBy(u => u.CreatedAt).Select(u => u.UserName!).FirstAsync(Ct);
    }
}
