using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Rotations;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Rotations;

public sealed class RotationPageTests : IAsyncDisposable
{
    private const string NewSha1 = "ABCDEF0123456789ABCDEF0123456789ABCDEF01";
    private const string Failure = "After the restart [::]:443 still carries 1111111111111111111111111111111111111111, not ABCDEF0123456789ABCDEF0123456789ABCDEF01.";
    private const string Rollback = "Rolled back to 1111111111111111111111111111111111111111 and verified.";
    private const string Reason = "VPN01 failed at \"Verify the IPv4 and IPv6 bindings\"; it was rolled back. Retry it, skip it, or abandon the rollout.";

    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _ctx.Time.GetUtcNow();

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public async Task FailedRolledBackServer_ShowsItsFailureRollbackAndSteps_AndOffersAdminsRetrySkipAndAbandon()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.Admin);
        var (id, vpn01, vpn02) = await SeedStoppedAsync();

        var cut = _ctx.Bunit.Render<RotationPage>(p => p.Add(x => x.Id, id));

        cut.WaitForAssertion(() => cut.Find("#rotation-status .rotation-state").GetAttribute("data-state").ShouldBe("stopped"));
        cut.Find("#rotation-reason").TextContent.ShouldBe(Reason);
        cut.Find("#rotation-sha1").TextContent.ShouldBe(NewSha1);
        var failed = Server(cut, vpn01);
        failed.QuerySelector(".rotation-state")!.TextContent.ShouldBe("failed, rolled back");
        failed.QuerySelector(".server-link")!.GetAttribute("href").ShouldBe($"servers/rras/{vpn01}");
        failed.QuerySelector(".failure-message")!.TextContent.ShouldBe($"Failed at \"Verify the IPv4 and IPv6 bindings\": {Failure}");
        failed.QuerySelector(".rollback-message")!.TextContent.ShouldBe($"Rollback: {Rollback}");

        var steps = failed.QuerySelectorAll(".rotation-timeline li").ToList();
        steps.Select(s => s.GetAttribute("data-step")).ShouldBe(
            ["import-pfx", "set-sstp-certificate", "restart-remote-access", "verify-bindings", "rollback-sstp-certificate", "rollback-restart", "rollback-verify-bindings", "rollback-check-listener"]);
        var verify = steps[3];
        verify.ClassList.ShouldContain("failed");
        verify.QuerySelector(".step-message")!.TextContent.ShouldBe(Failure);
        verify.QuerySelector(".step-time")!.TextContent.ShouldContain("2026-11-22 08:52 UTC");
        verify.QuerySelector(".step-time")!.TextContent.ShouldContain("3 min 00 s");
        steps.Where(s => s.ClassList.Contains("rollback")).Count().ShouldBe(4);
        steps.Where(s => s.ClassList.Contains("failed")).ShouldHaveSingleItem();

        failed.QuerySelector(".retry-server")!.TextContent.ShouldBe("Retry this server");
        failed.QuerySelector(".skip-server")!.TextContent.ShouldBe("Skip this server");
        Server(cut, vpn02).QuerySelector(".rotation-state")!.TextContent.ShouldBe("pending");
        Server(cut, vpn02).QuerySelectorAll(".retry-server, .skip-server").ShouldBeEmpty("only the failed server can be retried or skipped");
        cut.Find("#abandon-rotation");
    }

    [Fact]
    public async Task OnCall_SeesTheSameFailure_ButNoButtonsThatChangeTheRollout()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        var (id, vpn01, _) = await SeedStoppedAsync();

        var cut = _ctx.Bunit.Render<RotationPage>(p => p.Add(x => x.Id, id));

        cut.WaitForAssertion(() => Server(cut, vpn01).QuerySelector(".failure-message")!.TextContent.ShouldContain(Failure));
        Server(cut, vpn01).QuerySelector(".rollback-message")!.TextContent.ShouldContain(Rollback);
        cut.FindAll(".retry-server, .skip-server, #abandon-rotation").ShouldBeEmpty();
    }

    [Fact]
    public async Task Retry_AsksFirst_ThenPutsTheServerBackInTheRunningRollout_AsTheAdmin()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.Admin);
        var (id, vpn01, _) = await SeedStoppedAsync();
        var dialogs = _ctx.Bunit.Render<MudDialogProvider>();
        var cut = _ctx.Bunit.Render<RotationPage>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() => Server(cut, vpn01).QuerySelector(".retry-server")!.Click());

        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("Run VPN01's rotation again from the first step?"));
        DialogButton(dialogs, "Retry server").Click();

        cut.WaitForAssertion(() => cut.Find("#rotation-status .rotation-state").GetAttribute("data-state").ShouldBe("running"));
        Server(cut, vpn01).QuerySelector(".rotation-state")!.TextContent.ShouldBe("pending");
        cut.FindAll(".retry-server, .skip-server").ShouldBeEmpty();
        await using var db = _ctx.Db();
        (await db.SstpRotations.SingleAsync(Ct)).Status.ShouldBe(RotationStatus.Running);
        (await db.AuditEntries.SingleAsync(a => a.Action == "rotation.server-retried", Ct)).Actor.ShouldBe("admin@corp.example");
    }

    [Fact]
    public async Task Abandon_ThatTheRolloutRefuses_SaysWhy_AndChangesNothing()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.Admin);
        var (id, _, vpn02) = await SeedStoppedAsync();
        await using (var db = _ctx.Db())
        {
            // VPN02 is mid-step: abandoning now would leave it half-changed, so the rollout refuses.
            var busy = await db.SstpRotationServers.SingleAsync(s => s.ServerId == vpn02, Ct);
            busy.State = RotationServerState.InProgress;
            busy.Step = RotationStep.RestartRemoteAccess;
            busy.StepStartedAt = Now.AddSeconds(-42);
            await db.SaveChangesAsync(Ct);
        }

        var notifications = _ctx.Bunit.Render<MudSnackbarProvider>();
        var dialogs = _ctx.Bunit.Render<MudDialogProvider>();
        var cut = _ctx.Bunit.Render<RotationPage>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() => Server(cut, vpn02).QuerySelector(".current-step")!.TextContent.ShouldContain("Restart RemoteAccess"));
        Server(cut, vpn02).QuerySelector(".elapsed")!.TextContent.ShouldBe("42 s");

        cut.Find("#abandon-rotation").Click();
        dialogs.WaitForAssertion(() => DialogButton(dialogs, "Abandon rollout").Click());

        notifications.WaitForAssertion(() => notifications.Markup.ShouldContain("VPN02 is in the middle of a step"));
        notifications.Markup.ShouldContain("Not abandoned");
        await using var check = _ctx.Db();
        (await check.SstpRotations.SingleAsync(Ct)).Status.ShouldBe(RotationStatus.Stopped);
    }

    [Fact]
    public async Task StepsProgress_ShowWithoutAReload_WhenTheServersCommandsChange()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        var (id, _, vpn02) = await SeedStoppedAsync();
        var cut = _ctx.Bunit.Render<RotationPage>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() => Server(cut, vpn02).QuerySelector(".rotation-state")!.TextContent.ShouldBe("pending"));

        await using (var db = _ctx.Db())
        {
            var server = await db.SstpRotationServers.SingleAsync(s => s.ServerId == vpn02, Ct);
            server.State = RotationServerState.Done;
            server.StartedAt = Now.AddMinutes(-2);
            server.CompletedAt = Now;
            await db.SaveChangesAsync(Ct);
        }

        _ctx.Events.Publish(new FleetChange(FleetChangeKind.CommandChanged, vpn02));

        cut.WaitForAssertion(() => Server(cut, vpn02).QuerySelector(".rotation-state")!.TextContent.ShouldBe("done"));
    }

    [Fact]
    public async Task UnknownRollout_SaysSo()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);

        var cut = _ctx.Bunit.Render<RotationPage>(p => p.Add(x => x.Id, Guid.NewGuid()));

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("There is no such rollout."));
    }

    private static IElement Server(IRenderedComponent<RotationPage> cut, Guid serverId) => cut.Find($"#rotation-server-{serverId}");

    private static IElement DialogButton(IRenderedComponent<MudDialogProvider> dialogs, string text) =>
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == text);

    /// <summary>
    /// A rollout stopped as the engine leaves it when VPN01's verification failed and its rollback succeeded: VPN01
    /// failed and rolled back, VPN02 still pending. The clock is 09:00; VPN01 started at 08:50.
    /// </summary>
    private async Task<(Guid Rotation, Guid Vpn01, Guid Vpn02)> SeedStoppedAsync()
    {
        var vpn01 = await RotationSeed.ServerAsync(_ctx, "VPN01", "vpn.corp.example", Ct);
        var vpn02 = await RotationSeed.ServerAsync(_ctx, "VPN02", "vpn.corp.example", Ct);
        var t0 = Now.AddMinutes(-10);
        var rotation = new SstpRotation
        {
            Id = Guid.NewGuid(),
            Status = RotationStatus.Stopped,
            StatusReason = Reason,
            Sha1Thumbprint = NewSha1,
            Sha256Thumbprint = new string('C', 64),
            Subject = "CN=vpn.corp.example",
            NotAfter = Now.AddDays(365),
            Warnings = ["it has no CRL distribution point: clients that check revocation (SSTP does) may refuse it"],
            ProtectedPfx = [1, 2, 3],
            ProtectedPassword = [4, 5, 6],
            RequestedBy = "admin@corp.example",
            CreatedAt = t0,
        };
        var failed = new SstpRotationServer
        {
            Id = Guid.NewGuid(),
            RotationId = rotation.Id,
            ServerId = vpn01,
            Order = 1,
            State = RotationServerState.Failed,
            RollbackState = RotationRollbackState.RolledBack,
            PreviousSha1 = RotationSeed.OldSha1,
            StartedAt = t0,
            CompletedAt = t0.AddMinutes(9),
            FailedStep = RotationStep.VerifyBindings,
            FailureMessage = Failure,
            RollbackMessage = Rollback,
        };
        var at = t0;
        foreach (var (step, ok, message) in new (RotationStep, bool, string)[]
        {
            (RotationStep.ImportPfx, true, "Imported."),
            (RotationStep.SetSstpCertificate, true, "SSTP now uses the new certificate."),
            (RotationStep.RestartRemoteAccess, true, "RemoteAccess restarted and is running."),
            (RotationStep.VerifyBindings, false, Failure),
            (RotationStep.RollbackSstpCertificate, true, "SSTP now uses the old certificate."),
            (RotationStep.RollbackRestart, true, "RemoteAccess restarted and is running."),
            (RotationStep.RollbackVerifyBindings, true, "Both bindings carry the old certificate."),
            (RotationStep.RollbackCheckListener, true, "HEAD answered 401."),
        })
        {
            var length = step == RotationStep.VerifyBindings ? TimeSpan.FromMinutes(3) : TimeSpan.FromSeconds(50);
            failed.History.Add(new SstpRotationStepRecord { Id = Guid.NewGuid(), Step = step, StartedAt = at, EndedAt = at + length, Succeeded = ok, Message = message });
            at += length;
        }

        rotation.Servers.Add(failed);
        rotation.Servers.Add(new SstpRotationServer { Id = Guid.NewGuid(), RotationId = rotation.Id, ServerId = vpn02, Order = 2 });
        await using var db = _ctx.Db();
        db.SstpRotations.Add(rotation);
        await db.SaveChangesAsync(Ct);
        return (rotation.Id, vpn01, vpn02);
    }
}
