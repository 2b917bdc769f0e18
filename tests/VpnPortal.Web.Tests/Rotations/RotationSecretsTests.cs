using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Web.Features.Rotations;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Rotations.RotationHarness;

namespace VpnPortal.Web.Tests.Rotations;

/// <summary>
/// A rollout's PFX is kept only while it is needed: a stopped rollout erases it after Rotations:KeepStoppedPfxFor,
/// one that no longer decrypts fails its step with the reason (the agent's poll keeps working), and either way the
/// admin uploads it again to go on. An agent that never comes back does not keep a step waiting forever.
/// </summary>
public sealed class RotationSecretsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task WaitForAsync(Func<Task<bool>> done, Func<Task<JsonElement>>? state = null)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!await done())
        {
            DateTime.UtcNow.ShouldBeLessThan(until, $"the rollout did not get there in time: {(state is null ? "" : (await state()).ToString())}");
            await Task.Delay(100, Ct);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task StoppedRollout_ErasesItsPfxAfterTheKeepTime_AndResumesOnlyWithTheSamePfxUploadedAgain(string provider)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(provider, time, FastSettings);
        var vpn01 = await ServerAsync(portal, "VPN01", time: time);
        var vpn02 = await ServerAsync(portal, "VPN02", time: time);
        vpn01.Failures[AgentCommandKinds.ImportPfx] = "Import-PfxCertificate: access denied.";
        var (pfx, certificate) = RotationCertificates.Pfx();
        using var api = await ApiAsync(portal);
        var id = await StartAsync(api, pfx, "VPN01,VPN02");
        await vpn01.RunUntilAsync(async () => await StatusAsync(api, id) == "stopped");
        (await DetailAsync(api, id)).GetProperty("secretsHeld").GetBoolean().ShouldBeTrue("a stopped rollout keeps its PFX for a while");

        time.Advance(TimeSpan.FromHours(23));
        await Task.Delay(1500, Ct);
        (await DetailAsync(api, id)).GetProperty("secretsHeld").GetBoolean().ShouldBeTrue("23 hours is within the default 24");
        time.Advance(TimeSpan.FromHours(2));
        await WaitForAsync(async () => !(await DetailAsync(api, id)).GetProperty("secretsHeld").GetBoolean());

        await using (var db = portal.Database.CreateContext())
        {
            var rotation = await db.SstpRotations.SingleAsync(Ct);
            rotation.ProtectedPfx.ShouldBeNull();
            rotation.ProtectedPassword.ShouldBeNull();
            rotation.PfxErasedAt.ShouldNotBeNull();
            rotation.StatusReason!.ShouldContain("upload it again to resume");
            (await db.AuditEntries.CountAsync(a => a.Action == "rotation.pfx-erased", Ct)).ShouldBe(1);
        }

        vpn01.Failures.Clear();
        using (var retry = await api.PostAsync($"/api/v1/rotations/{id}/servers/{vpn01.Agent.ServerId}/retry", null, Ct))
        {
            retry.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await retry.Content.ReadAsStringAsync(Ct)).ShouldContain("upload it again");
        }

        var (otherPfx, _) = RotationCertificates.Pfx();
        using (var wrongCertificate = await api.PostAsync($"/api/v1/rotations/{id}/pfx", RotationCertificates.Form(otherPfx, RotationCertificates.Password, null), Ct))
        {
            wrongCertificate.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await wrongCertificate.Content.ReadAsStringAsync(Ct)).ShouldContain($"not the rollout's certificate {certificate.Thumbprint}");
        }

        using (var wrongPassword = await api.PostAsync($"/api/v1/rotations/{id}/pfx", RotationCertificates.Form(pfx, "not the password", null), Ct))
        {
            wrongPassword.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        using (var onCall = portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.OnCall))))
        using (var forbidden = await onCall.PostAsync($"/api/v1/rotations/{id}/pfx", RotationCertificates.Form(pfx, RotationCertificates.Password, null), Ct))
        {
            forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        (await DetailAsync(api, id)).GetProperty("secretsHeld").GetBoolean().ShouldBeFalse("refused uploads store nothing");
        using (var upload = await api.PostAsync($"/api/v1/rotations/{id}/pfx", RotationCertificates.Form(pfx, RotationCertificates.Password, null), Ct))
        {
            upload.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        (await DecideAsync(api, id, vpn01.Agent.ServerId, "retry")).ShouldBe(HttpStatusCode.NoContent);

        await vpn01.RunUntilAsync(async () => (await DetailAsync(api, id)).GetProperty("servers")[0].GetProperty("state").GetString() == "done");
        await vpn02.RunUntilAsync(async () => await StatusAsync(api, id) == "completed");
        vpn02.ConfiguredSha1.ShouldBe(certificate.Thumbprint);
        await using var after = portal.Database.CreateContext();
        (await after.AuditEntries.CountAsync(a => a.Action == "rotation.pfx-uploaded", Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task PfxThatNoLongerDecrypts_FailsTheImportWithTheReason_ThePollKeepsWorking_AndThePageAsksForIt()
    {
        await using var portal = await PortalFactory.StartAsync(settings: FastSettings);
        var vpn01 = await ServerAsync(portal, "VPN01");
        var (pfx, _) = RotationCertificates.Pfx();

        // Another key ring wrote it (a key lost with a database restore, or a node with another certificate).
        using var api = await ApiAsync(portal);
        var id = await StartAsync(api, pfx, "VPN01");
        await using (var db = portal.Database.CreateContext())
        {
            var rotation = await db.SstpRotations.SingleAsync(Ct);
            rotation.ProtectedPfx = [.. rotation.ProtectedPfx!.Take(40), .. new byte[64]];
            await db.SaveChangesAsync(Ct);
        }

        await WaitForAsync(async () =>
        {
            var batch = await vpn01.Agent.PollAsync(0);
            batch.Commands.ShouldBeEmpty("nothing undecryptable is handed out");
            return await StatusAsync(api, id) == "stopped";
        });

        var detail = await DetailAsync(api, id);
        detail.GetProperty("servers")[0].GetProperty("failureMessage").GetString().ShouldBe("Not delivered: " + PfxPayloadSource.PfxUnreadable);
        detail.GetProperty("secretsHeld").GetBoolean().ShouldBeFalse("a PFX that cannot be decrypted is dropped, so it is asked for again");
        (await vpn01.Agent.PollAsync(0)).Commands.ShouldBeEmpty();
        using var upload = await api.PostAsync($"/api/v1/rotations/{id}/pfx", RotationCertificates.Form(pfx, RotationCertificates.Password, null), Ct);
        upload.StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task AgentThatNeverCollectsItsStep_FailsTheServerAfterTheWait_InsteadOfSendingItForever()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(time: time, settings: FastSettings);
        await ServerAsync(portal, "VPN01", time: time);
        var (pfx, _) = RotationCertificates.Pfx();
        using var api = await ApiAsync(portal);
        var id = await StartAsync(api, pfx, "VPN01");
        await WaitForAsync(async () =>
        {
            await using var db = portal.Database.CreateContext();
            return await db.AgentCommands.AnyAsync(c => c.Kind == AgentCommandKinds.ImportPfx, Ct);
        });

        for (var hour = 0; hour < 3; hour++)
        {
            time.Advance(TimeSpan.FromMinutes(20));
            await portal.InScopeAsync(sp => sp.GetRequiredService<Web.AgentApi.CommandDelivery>().ExpireAsync(null, time.GetUtcNow(), Ct));
            await Task.Delay(1500, Ct);
        }

        await WaitForAsync(async () => await StatusAsync(api, id) == "stopped", () => DetailAsync(api, id));
        var server = (await DetailAsync(api, id)).GetProperty("servers")[0];
        server.GetProperty("state").GetString().ShouldBe("failed-rolled-back");
        server.GetProperty("failureMessage").GetString().ShouldBe("The agent did not collect the step's command for 60 minutes (is the server offline?).");
        await using var db = portal.Database.CreateContext();
        var sent = await db.AgentCommands.CountAsync(c => c.Kind == AgentCommandKinds.ImportPfx, Ct);
        sent.ShouldBeInRange(2, 4, "sent again while within the wait, then no more");
    }
}
