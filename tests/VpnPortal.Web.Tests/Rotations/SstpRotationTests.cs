using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.AgentApi;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Rotations.RotationHarness;

namespace VpnPortal.Web.Tests.Rotations;

/// <summary>SSTP certificate rollouts through the API, with agents that keep a server's SSTP state and answer over HTTP.</summary>
public sealed class SstpRotationTests(SharedPortals shared) : IClassFixture<SharedPortals>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] RolloutSteps =
    [
        AgentCommandKinds.ImportPfx, AgentCommandKinds.SetSstpCertificate, AgentCommandKinds.RestartRemoteAccess, AgentCommandKinds.RefreshReport,
        AgentCommandKinds.CheckSstpListener,
    ];

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Rollout_TwoServers_OneAtATime_EachVerified_ThenCompleted_AndThePfxIsDeleted(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider, settings: FastSettings);
        var vpn01 = await ServerAsync(portal, "VPN01");
        var vpn02 = await ServerAsync(portal, "VPN02");
        using var api = await ApiAsync(portal);
        var (pfx, certificate) = RotationCertificates.Pfx();

        var id = await StartAsync(api, pfx, "VPN01, VPN02");

        (await vpn02.StepAsync(waitSeconds: 0)).ShouldBe(0, "one server at a time: VPN02 waits for VPN01");
        await vpn01.RunUntilAsync(async () => await ServerStateAsync(api, id, "VPN01") == "done");
        (await StatusAsync(api, id)).ShouldBe("running");
        await vpn02.RunUntilAsync(async () => await StatusAsync(api, id) == "completed");

        vpn01.Ran.Select(r => r.Kind).ShouldBe(RolloutSteps);
        vpn02.Ran.Select(r => r.Kind).ShouldBe(RolloutSteps);
        vpn01.ConfiguredSha1.ShouldBe(certificate.Thumbprint);
        vpn02.Ipv6Binding.ShouldBe(certificate.Thumbprint);
        var check = vpn01.Ran.Single(r => r.Kind == AgentCommandKinds.CheckSstpListener).Payload!.Value;
        check.GetProperty("expectedSha1Thumbprint").GetString().ShouldBe(certificate.Thumbprint);
        check.GetProperty("useHttps").GetBoolean().ShouldBeTrue();

        var detail = await DetailAsync(api, id);
        detail.GetProperty("statusReason").GetString().ShouldBe("The certificate is in use on 2 servers.");
        detail.GetProperty("secretsHeld").GetBoolean().ShouldBeFalse();
        var history = detail.GetProperty("servers")[0].GetProperty("history").EnumerateArray().ToList();
        history.Select(h => h.GetProperty("step").GetString()).ShouldBe(["import-pfx", "set-sstp-certificate", "restart-remote-access", "verify-bindings", "check-listener"]);
        history.ShouldAllBe(h => h.GetProperty("succeeded").GetBoolean());
        history[3].GetProperty("message").GetString()!.ShouldContain($"carry {certificate.Thumbprint} with SSTP's application id");

        // The PFX and its password reached the servers only in the delivered commands: nothing stored holds them.
        await using var db = portal.Database.CreateContext();
        var rotation = await db.SstpRotations.SingleAsync(Ct);
        rotation.ProtectedPfx.ShouldBeNull();
        rotation.ProtectedPassword.ShouldBeNull();
        var payloads = await db.AgentCommands.Select(c => c.PayloadJson + c.ResultMessage).ToListAsync(Ct);
        var pfxText = Convert.ToBase64String(pfx)[..40];
        payloads.ShouldNotContain(p => p.Contains(RotationCertificates.Password) || p.Contains(pfxText));
        (await db.AuditEntries.Select(a => a.Summary + a.BeforeJson + a.AfterJson).ToListAsync(Ct)).ShouldNotContain(a => a.Contains(RotationCertificates.Password));
        (await db.AuditEntries.CountAsync(a => a.Action == "rotation.started", Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Rollout_WithTlsOffload_SetsTheHashAndChecksTheListenerOverHttp()
    {
        await using var portal = await PortalFactory.StartAsync(settings: FastSettings);
        var vpn01 = await ServerAsync(portal, "VPN01", offload: true);
        using var api = await ApiAsync(portal);
        var (pfx, certificate) = RotationCertificates.Pfx();

        var id = await StartAsync(api, pfx, "VPN01");
        await vpn01.RunUntilAsync(async () => await StatusAsync(api, id) == "completed");

        vpn01.Ran.Select(r => r.Kind).ShouldBe(
        [
            AgentCommandKinds.ImportPfx, AgentCommandKinds.SetSstpCertificate, AgentCommandKinds.SetSstpOffloadHash, AgentCommandKinds.RestartRemoteAccess,
            AgentCommandKinds.RefreshReport, AgentCommandKinds.CheckSstpListener,
        ]);
        vpn01.OffloadHash.ShouldBe(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.RawData)));
        vpn01.Ran.Last().Payload!.Value.GetProperty("useHttps").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task VerificationFails_TheServerIsRolledBackAndVerified_TheRolloutStops_AndRetryFinishesIt()
    {
        await using var portal = await PortalFactory.StartAsync(settings: FastSettings);
        var vpn01 = await ServerAsync(portal, "VPN01");
        var vpn02 = await ServerAsync(portal, "VPN02");
        vpn01.Ipv6KeepsOldBindingOnRestart = true;
        using var api = await ApiAsync(portal);
        var (pfx, certificate) = RotationCertificates.Pfx();
        var id = await StartAsync(api, pfx, "VPN01,VPN02");

        await vpn01.RunUntilAsync(async () => await StatusAsync(api, id) == "stopped" && await ServerStateAsync(api, id, "VPN01") == "failed-rolled-back");

        vpn01.Ran.Select(r => r.Kind).ShouldBe(
        [
            .. RolloutSteps[..4], AgentCommandKinds.SetSstpCertificate, AgentCommandKinds.RestartRemoteAccess, AgentCommandKinds.RefreshReport,
            AgentCommandKinds.CheckSstpListener,
        ]);
        vpn01.ConfiguredSha1.ShouldBe(OldSha1, "rolled back to the previous certificate");
        vpn01.Ipv4Binding.ShouldBe(OldSha1);
        vpn01.Ipv6Binding.ShouldBe(OldSha1);
        (await vpn02.StepAsync(waitSeconds: 0)).ShouldBe(0, "the rollout stops at the failed server");

        var server = (await DetailAsync(api, id)).GetProperty("servers")[0];
        server.GetProperty("failedStep").GetString().ShouldBe("Verify the IPv4 and IPv6 bindings");
        server.GetProperty("failureMessage").GetString()!.ShouldContain($"the [::]:443 binding carries {OldSha1} instead of {certificate.Thumbprint}");
        server.GetProperty("rollbackMessage").GetString().ShouldBe($"Rolled back to {OldSha1} and verified.");
        (await DetailAsync(api, id)).GetProperty("statusReason").GetString()!.ShouldContain("Retry it, skip it, or abandon the rollout");

        using var onCall = await ApiAsync(portal, Roles.OnCall);
        using (var refused = await onCall.PostAsync($"/api/v1/rotations/{id}/servers/{vpn01.Agent.ServerId}/retry", null, Ct))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "OnCall may watch a rollout, not steer it");
        }

        using (var retry = await api.PostAsync($"/api/v1/rotations/{id}/servers/{vpn01.Agent.ServerId}/retry", null, Ct))
        {
            retry.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        await vpn01.RunUntilAsync(async () => await ServerStateAsync(api, id, "VPN01") == "done");
        await vpn02.RunUntilAsync(async () => await StatusAsync(api, id) == "completed");
        vpn01.Ipv6Binding.ShouldBe(certificate.Thumbprint);
        await using var db = portal.Database.CreateContext();
        (await db.AuditEntries.CountAsync(a => a.Action == "rotation.server-retried", Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task AStepTheServerRefuses_IsShownWithWhatTheServerSaid_AndSkipGoesOn()
    {
        await using var portal = await PortalFactory.StartAsync(settings: FastSettings);
        var vpn01 = await ServerAsync(portal, "VPN01");
        var vpn02 = await ServerAsync(portal, "VPN02");
        vpn01.Failures[AgentCommandKinds.ImportPfx] = "Import-PfxCertificate: The password is wrong or the file is not a PFX.";
        using var api = await ApiAsync(portal);
        var (pfx, _) = RotationCertificates.Pfx();
        var id = await StartAsync(api, pfx, "VPN01,VPN02");

        await vpn01.RunUntilAsync(async () => await StatusAsync(api, id) == "stopped");
        var server = (await DetailAsync(api, id)).GetProperty("servers")[0];
        server.GetProperty("failureMessage").GetString().ShouldBe("Import-PfxCertificate: The password is wrong or the file is not a PFX.");
        server.GetProperty("rollbackMessage").GetString().ShouldBe("Nothing to roll back: the SSTP certificate was not changed.");
        vpn01.Ran.Select(r => r.Kind).ShouldBe([AgentCommandKinds.ImportPfx]);

        using (var abandonWhileStopped = await api.PostAsync($"/api/v1/rotations/{id}/servers/{vpn02.Agent.ServerId}/skip", null, Ct))
        {
            abandonWhileStopped.StatusCode.ShouldBe(HttpStatusCode.Conflict, "only a failed server can be skipped");
        }

        using (var skip = await api.PostAsync($"/api/v1/rotations/{id}/servers/{vpn01.Agent.ServerId}/skip", null, Ct))
        {
            skip.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        await vpn02.RunUntilAsync(async () => await StatusAsync(api, id) == "completed");
        (await DetailAsync(api, id)).GetProperty("statusReason").GetString().ShouldBe("The certificate is in use on 1 server; 1 skipped.");
    }

    [Fact]
    public async Task PortalRestartedMidRollout_ResumesFromTheLastConfirmedStep_AndRepeatsNone()
    {
        await using var database = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        Guid id;
        ScriptedRrasAgent vpn01;
        ScriptedRrasAgent vpn02;
        await using (var first = await PortalFactory.StartOnAsync(database, settings: FastSettings))
        {
            vpn01 = await ServerAsync(first, "VPN01");
            vpn02 = await ServerAsync(first, "VPN02");
            using var api = await ApiAsync(first);
            id = await StartAsync(api, RotationCertificates.Pfx().Pfx, "VPN01,VPN02");

            // Two steps confirmed, the third (restart) delivered and answered after the portal is gone.
            await vpn01.StepAsync();
            await vpn01.StepAsync();
            await vpn01.StepAsync();
            vpn01.Ran.Select(r => r.Kind).ShouldBe(RolloutSteps[..3]);
        }

        await using var second = await PortalFactory.StartOnAsync(database, settings: FastSettings);
        using var api2 = await ApiAsync(second, Roles.OnCall);
        var again01 = Reconnect(second, vpn01);
        var again02 = Reconnect(second, vpn02);
        await again01.RunUntilAsync(async () => await ServerStateAsync(api2, id, "VPN01") == "done");
        await again02.RunUntilAsync(async () => await StatusAsync(api2, id) == "completed");

        vpn01.Ran.Concat(again01.Ran).Select(r => r.Kind).ShouldBe(RolloutSteps, "each step ran once across the restart");
        again02.Ran.Select(r => r.Kind).ShouldBe(RolloutSteps);
        await using var db = database.CreateContext();
        var perKind = await db.AgentCommands.Where(c => c.ServerId == vpn01.Agent.ServerId).GroupBy(c => c.Kind).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(Ct);
        perKind.ShouldAllBe(k => k.Count == 1);
    }

    /// <summary>The same server's agent talking to a restarted portal: same credential, its state carried over.</summary>
    private static ScriptedRrasAgent Reconnect(PortalFactory portal, ScriptedRrasAgent before)
    {
        var agent = portal.AgentClient(before.Agent.Enrollment, before.Agent.MachineName);
        agent.Sequence = before.Agent.Sequence;
        return before.MovedTo(agent);
    }

    [Fact]
    public async Task AnOfflineAgent_ItsStepIsSentAgainWhenItIsBack_AndTheRolloutGoesOn()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(time: time, settings: FastSettings);
        var vpn01 = await ServerAsync(portal, "VPN01");
        vpn01.Time = time;
        using var api = await ApiAsync(portal);
        var id = await StartAsync(api, RotationCertificates.Pfx().Pfx, "VPN01");

        // The agent is away past the import command's deadline: it expires uncollected, and nothing ran.
        await using (var db = portal.Database.CreateContext())
        {
            var until = DateTime.UtcNow.AddSeconds(10);
            while (!await db.AgentCommands.AnyAsync(c => c.Kind == AgentCommandKinds.ImportPfx, Ct))
            {
                DateTime.UtcNow.ShouldBeLessThan(until, "the rollout queues its first step at once");
                await Task.Delay(50, Ct);
            }
        }

        // Past the command's 15 minutes to be collected, within the hour a step waits for its agent.
        time.Advance(TimeSpan.FromMinutes(20));
        await portal.InScopeAsync(sp => sp.GetRequiredService<CommandDelivery>().ExpireAsync(null, time.GetUtcNow(), Ct));
        await vpn01.RunUntilAsync(async () => await StatusAsync(api, id) == "completed");

        vpn01.Ran.Select(r => r.Kind).ShouldBe(RolloutSteps);
        var import = (await DetailAsync(api, id)).GetProperty("servers")[0].GetProperty("history")[0];
        import.GetProperty("message").GetString().ShouldBe("The agent did not collect it in time (offline?); sent again.");
    }

    public static TheoryData<string, string?, string?, string> Unfit => new()
    {
        { "wrong-password", "not the password", "VPN01", "The password is wrong" },
        { "not-a-certificate", RotationCertificates.Password, "VPN01", "is not a certificate" },
        { "public-only", null, "VPN01", "must be uploaded as a PFX" },
        { "expired", RotationCertificates.Password, "VPN01", "expired" },
        { "client-auth-only", RotationCertificates.Password, "VPN01", "Server Authentication" },
        { "other-name", RotationCertificates.Password, "VPN01", "it does not cover vpn.corp.example, the public name of VPN01" },
        { "malformed-usages", RotationCertificates.Password, "VPN01", "part of it cannot be read (enhanced key usages unreadable: " },
        { "valid", RotationCertificates.Password, "VPN99", "there is no RRAS server 'VPN99'" },
        { "valid", RotationCertificates.Password, "VPN02", "VPN02 has no public name recorded" },
    };

    [Theory]
    [MemberData(nameof(Unfit))]
    public async Task AnUnfitCertificateOrPlan_IsRefusedWithTheReason_AndNothingIsWritten(string kind, string? password, string? servers, string mentions)
    {
        var (portal, api) = await shared.ForTheoryAsync(async s =>
        {
            var portal = s.Own(await PortalFactory.StartAsync(settings: FastSettings));
            await ServerAsync(portal, "VPN01");
            var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
            await vpn02.ReportAsync(Snapshots.Rras(vpn02));
            return (portal, s.Own(await ApiAsync(portal)));
        });
        var file = kind switch
        {
            "not-a-certificate" => Encoding.UTF8.GetBytes("this is a text file, not a certificate"),
            "public-only" => RotationCertificates.Pfx().Certificate.RawData,
            "expired" => RotationCertificates.Pfx(notBefore: DateTimeOffset.UtcNow.AddDays(-400), notAfter: DateTimeOffset.UtcNow.AddDays(-1)).Pfx,
            "client-auth-only" => RotationCertificates.Pfx(serverAuth: false).Pfx,
            "other-name" => RotationCertificates.Pfx("vpn.other.example").Pfx,
            "malformed-usages" => MalformedCertificates.WithBrokenUsages("CN=vpn.corp.example").Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, RotationCertificates.Password),
            _ => RotationCertificates.Pfx().Pfx,
        };
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await api.PostAsync("/api/v1/rotations", RotationCertificates.Form(file, password, servers), Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        body.ShouldContain(mentions);
        body.ShouldNotContain(RotationCertificates.Password);
        var problem = JsonDocument.Parse(body).RootElement;
        problem.GetProperty("title").GetString()!.ShouldStartWith("The certificate or the plan is not fit: ");
        problem.GetProperty("refusals").EnumerateArray().Select(r => r.GetString()!).ShouldContain(r => r.Contains(mentions), "each refusal is listed on its own");
        problem.GetProperty("warnings").ValueKind.ShouldBe(JsonValueKind.Array);
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused rollout writes nothing");
    }

    [Fact]
    public async Task DecisionsOnARolloutThatDoesNotExist_AreNotFound_AndSayWhy()
    {
        await using var portal = await PortalFactory.StartAsync(settings: FastSettings);
        using var api = await ApiAsync(portal);
        var missing = Guid.NewGuid();

        foreach (var (path, title) in new[]
        {
            ($"/api/v1/rotations/{missing}/servers/{Guid.NewGuid()}/retry", "The rollout or the server is no longer there."),
            ($"/api/v1/rotations/{missing}/servers/{Guid.NewGuid()}/skip", "The rollout or the server is no longer there."),
            ($"/api/v1/rotations/{missing}/abandon", "The rollout is no longer there."),
            ($"/api/v1/rotations/{missing}/pfx", "The rollout is no longer there."),
        })
        {
            using var content = path.EndsWith("/pfx", StringComparison.Ordinal) ? RotationCertificates.Form(RotationCertificates.Pfx().Pfx, RotationCertificates.Password, null) : null;
            using var response = await api.PostAsync(path, content, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, body);
            JsonDocument.Parse(body).RootElement.GetProperty("title").GetString().ShouldBe(title);
        }
    }

    [Fact]
    public async Task Warnings_AreShownWithoutRefusing_AndCheckOnlyStartsNothing()
    {
        await using var portal = await PortalFactory.StartAsync(settings: FastSettings);
        await ServerAsync(portal, "VPN01");
        using var api = await ApiAsync(portal);
        var (pfx, _) = RotationCertificates.Pfx("*.corp.example", rsaBits: 1024, notAfter: DateTimeOffset.UtcNow.AddDays(10));
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await api.PostAsync(
            "/api/v1/rotations", RotationCertificates.Form(pfx, RotationCertificates.Password, "VPN01", extra: ("checkOnly", "true")), Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var check = JsonDocument.Parse(body).RootElement;
        check.GetProperty("refusals").GetArrayLength().ShouldBe(0);
        var warnings = string.Join("\n", check.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()));
        warnings.ShouldContain("*.corp.example");
        warnings.ShouldContain("1024 bits");
        warnings.ShouldContain("within 30 days");
        (await portal.CountRowsAsync()).ShouldEqual(before, "checking starts nothing");
    }

    [Fact]
    public async Task TheImportCommand_ReachesOnlyAServerOfItsRollout_AndOnlyWhileTheRolloutIsOpen()
    {
        await using var portal = await PortalFactory.StartAsync(settings: FastSettings);
        var vpn01 = await ServerAsync(portal, "VPN01");
        var outsider = await ServerAsync(portal, "VPN02");
        using var api = await ApiAsync(portal);
        var id = await StartAsync(api, RotationCertificates.Pfx().Pfx, "VPN01");
        await vpn01.RunUntilAsync(async () => await ServerStateAsync(api, id, "VPN01") == "done");

        // An import naming this rollout, for a server outside it, and one after the rollout ended: neither carries the PFX.
        Guid forOutsider, afterTheEnd;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var queue = scope.ServiceProvider.GetRequiredService<VpnPortal.Web.Features.Agents.AgentCommandQueue>();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var reference = new VpnPortal.Web.Features.Rotations.RotationEngine.PfxReference(id, "00");
            forOutsider = queue.Stage(outsider.Agent.ServerId, AgentCommandKinds.ImportPfx, reference, VpnPortal.Data.Auditing.AuditActor.System, id).Id;
            await db.SaveChangesAsync(Ct);
        }

        (await outsider.Agent.PollAsync()).Commands.ShouldBeEmpty();
        await vpn01.RunUntilAsync(async () => await StatusAsync(api, id) == "completed");
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var queue = scope.ServiceProvider.GetRequiredService<VpnPortal.Web.Features.Agents.AgentCommandQueue>();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            afterTheEnd = queue.Stage(vpn01.Agent.ServerId, AgentCommandKinds.ImportPfx, new VpnPortal.Web.Features.Rotations.RotationEngine.PfxReference(id, "00"), VpnPortal.Data.Auditing.AuditActor.System, id).Id;
            await db.SaveChangesAsync(Ct);
        }

        (await vpn01.Agent.PollAsync()).Commands.ShouldBeEmpty();
        await using var check = portal.Database.CreateContext();
        var refused = await check.AgentCommands.Where(c => c.Id == forOutsider || c.Id == afterTheEnd).ToDictionaryAsync(c => c.Id, Ct);
        refused[forOutsider].Status.ShouldBe(AgentCommandStatus.Failed);
        refused[forOutsider].ResultMessage.ShouldBe("Not delivered: This server is not in that rollout.");
        refused[afterTheEnd].ResultMessage.ShouldBe("Not delivered: The rollout has ended and its PFX was deleted.");
    }

    [Fact]
    public async Task AServerInAnOpenRollout_CannotJoinAnother()
    {
        await using var portal = await PortalFactory.StartAsync(settings: FastSettings);
        await ServerAsync(portal, "VPN01");
        using var api = await ApiAsync(portal);
        await StartAsync(api, RotationCertificates.Pfx().Pfx, "VPN01");

        using var second = await api.PostAsync("/api/v1/rotations", RotationCertificates.Form(RotationCertificates.Pfx().Pfx, RotationCertificates.Password, "VPN01"), Ct);

        second.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await second.Content.ReadAsStringAsync(Ct)).ShouldContain("VPN01 is already in a rollout that has not ended");
    }
}
