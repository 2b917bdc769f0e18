using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Shouldly;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Rotations;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Rotations;

public sealed class NewRotationPageTests : IAsyncLifetime
{
    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _ctx.Time.GetUtcNow();

    public async ValueTask InitializeAsync() => _ctx = await PortalComponentContext.CreateAsync();

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public async Task UnfitUpload_ListsWhyTheCertificateCannotBeUsed_StartStaysDisabled_AndNothingIsStored()
    {
        await RotationSeed.ServerAsync(_ctx, "VPN01", "vpn.corp.example", Ct);
        var (pfx, _) = TestPfx.Create(Now, commonName: "intranet.corp.example", serverAuth: false);
        var cut = _ctx.Bunit.Render<NewRotationPage>();
        cut.WaitForAssertion(() => cut.Find("#server-order"));

        Upload(cut, pfx, "intranet.pfx");
        cut.Find("#pfx-password").Input(TestPfx.Password);
        cut.Find("#check-rotation").Click();

        cut.WaitForAssertion(() => cut.Find("#refusals"));
        var refusals = cut.Find("#refusals");
        refusals.QuerySelector("strong")!.TextContent.ShouldBe("This certificate cannot be used:");
        var reasons = refusals.QuerySelectorAll("li").Select(li => li.TextContent).ToList();
        reasons.ShouldContain(r => r.StartsWith("it does not cover vpn.corp.example, the public name of VPN01", StringComparison.Ordinal));
        reasons.ShouldContain("its key usages do not include Server Authentication (1.3.6.1.5.5.7.3.1)");
        cut.Find("#summary-subject").TextContent.ShouldBe("CN=intranet.corp.example");
        cut.FindAll("#check-fit").ShouldBeEmpty();
        cut.Find("#start-rotation").HasAttribute("disabled").ShouldBeTrue("a refused certificate cannot be rolled out");

        await using var db = _ctx.Db();
        (await db.SstpRotations.CountAsync(Ct), await db.FleetOperations.CountAsync(Ct), await db.AuditEntries.CountAsync(Ct)).ShouldBe((0, 0, 0), "a check stores nothing");
    }

    [Fact]
    public async Task WildcardCertificate_IsFitButWarnsAboutClients_AndMayStart()
    {
        await RotationSeed.ServerAsync(_ctx, "VPN01", "vpn.corp.example", Ct);
        var (pfx, certificate) = TestPfx.Create(Now, commonName: "*.corp.example");
        var cut = _ctx.Bunit.Render<NewRotationPage>();
        cut.WaitForAssertion(() => cut.Find("#server-order"));

        Upload(cut, pfx, "wildcard.pfx");
        cut.Find("#pfx-password").Input(TestPfx.Password);
        cut.Find("#check-rotation").Click();

        cut.WaitForAssertion(() => cut.Find("#warnings"));
        cut.FindAll("#refusals").ShouldBeEmpty();
        cut.Find("#warnings").QuerySelectorAll("li").Select(li => li.TextContent)
            .ShouldContain(w => w.StartsWith("it is a wildcard certificate (*.corp.example covers vpn.corp.example (VPN01))", StringComparison.Ordinal));
        cut.Find("#summary-sha1").TextContent.ShouldBe(certificate.Thumbprint);
        cut.Find("#check-fit").TextContent.ShouldContain("in this order: VPN01.");
        cut.Find("#start-rotation").HasAttribute("disabled").ShouldBeFalse();
    }

    [Fact]
    public async Task TooBigFile_IsRefusedWithTheLimit_AndCannotBeChecked()
    {
        await RotationSeed.ServerAsync(_ctx, "VPN01", "vpn.corp.example", Ct);
        var max = new RotationOptions().MaxPfxBytes;
        var cut = _ctx.Bunit.Render<NewRotationPage>();
        cut.WaitForAssertion(() => cut.Find("#server-order"));

        Upload(cut, new byte[max + 1], "backup.zip");

        cut.WaitForAssertion(() => cut.Find("#pfx-file-error").TextContent.ShouldBe(
            $"backup.zip is 64 KB; a PFX for SSTP is a few KB, and files over {max / 1024} KB are refused. Choose the exported PFX, not a bundle or an archive."));
        cut.Find("#check-rotation").HasAttribute("disabled").ShouldBeTrue();
        cut.Find("#start-rotation").HasAttribute("disabled").ShouldBeTrue();
    }

    [Fact]
    public async Task Start_ConfirmsTheServersInTheChosenOrder_StoresTheRolloutWithTheWindowInUtc_ForgetsThePassword_AndOpensItsProgress()
    {
        await RotationSeed.ServerAsync(_ctx, "VPN01", "vpn.corp.example", Ct);
        await RotationSeed.ServerAsync(_ctx, "VPN02", "vpn.corp.example", Ct);
        // The browser says it is in Paris (UTC+1 in November).
        var formatter = _ctx.Bunit.JSInterop.SetupModule(invocation => invocation.Identifier == "Intl.DateTimeFormat");
        formatter.Setup<BrowserTimeZone.ResolvedOptions?>("resolvedOptions").SetResult(new BrowserTimeZone.ResolvedOptions("Europe/Paris"));
        var (pfx, certificate) = TestPfx.Create(Now);
        var dialogs = _ctx.Bunit.Render<MudDialogProvider>();
        var cut = _ctx.Bunit.Render<NewRotationPage>();
        cut.WaitForAssertion(() => cut.Find("#window-zone").TextContent.ShouldContain("your browser's time zone, Europe/Paris"));

        Upload(cut, pfx, "vpn.pfx");
        cut.Find("#pfx-password").Input(TestPfx.Password);
        Row(cut, "VPN02").QuerySelector(".move-up")!.Click();
        cut.Find("#window-start-date").Change("2026-11-23");
        cut.Find("#window-start-time").Change("22:00");
        cut.Find("#window-start-utc").TextContent.ShouldBe("That is 2026-11-23 21:00 UTC.");
        cut.Find("#check-rotation").Click();
        cut.WaitForAssertion(() => cut.Find("#check-fit").TextContent.ShouldContain("in this order: VPN02, VPN01."));

        // A change after the check must be checked again before it can start.
        cut.Find("#parallelism").Change("2");
        cut.Find("#check-stale");
        cut.Find("#start-rotation").HasAttribute("disabled").ShouldBeTrue();
        cut.Find("#parallelism").Change("1");
        cut.Find("#check-rotation").Click();
        cut.WaitForAssertion(() => cut.Find("#start-rotation").HasAttribute("disabled").ShouldBeFalse());

        cut.Find("#start-rotation").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("#confirm-servers"));
        dialogs.Find("#confirm-rotation").TextContent.ShouldContain(certificate.Thumbprint);
        dialogs.FindAll("#confirm-servers li").Select(li => li.TextContent).ShouldBe(["VPN02", "VPN01"]);
        DialogButton(dialogs, "Start rollout").Click();

        var navigation = _ctx.Bunit.Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => navigation.Uri.ShouldStartWith("http://localhost/rotations/"));
        await using var db = _ctx.Db();
        var rotation = await db.SstpRotations.Include(r => r.Servers).ThenInclude(s => s.Server).SingleAsync(Ct);
        navigation.Uri.ShouldBe($"http://localhost/rotations/{rotation.Id}");
        rotation.Sha1Thumbprint.ShouldBe(certificate.Thumbprint);
        rotation.Servers.OrderBy(s => s.Order).Select(s => s.Server!.Name).ShouldBe(["VPN02", "VPN01"]);
        rotation.WindowStart.ShouldBe(new DateTimeOffset(2026, 11, 23, 21, 0, 0, TimeSpan.Zero));
        rotation.RequestedBy.ShouldBe("admin@corp.example");
        (await db.AuditEntries.SingleAsync(a => a.Action == "rotation.started", Ct)).Actor.ShouldBe("admin@corp.example");

        // The password was only ever read from its field, never rendered back into the page.
        cut.Find("#pfx-password").GetAttribute("value").ShouldBeNullOrEmpty();
        cut.Markup.ShouldNotContain(TestPfx.Password);
    }

    [Fact]
    public async Task OpenedFromAServersPage_OffersThatServerAloneAndFirst()
    {
        await RotationSeed.ServerAsync(_ctx, "VPN01", "vpn.corp.example", Ct);
        var vpn02 = await RotationSeed.ServerAsync(_ctx, "VPN02", "vpn.corp.example", Ct);
        _ctx.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo($"rotations/new?server={vpn02}");

        var cut = _ctx.Bunit.Render<NewRotationPage>();

        cut.WaitForAssertion(() => cut.FindAll("#server-order tbody tr").Select(r => r.GetAttribute("data-server-name")).ShouldBe(["VPN02", "VPN01"]));
        Row(cut, "VPN02").QuerySelector(".rotate-server input")!.HasAttribute("checked").ShouldBeTrue();
        Row(cut, "VPN01").QuerySelector(".rotate-server input")!.HasAttribute("checked").ShouldBeFalse();
    }

    private static void Upload(IRenderedComponent<NewRotationPage> cut, byte[] content, string name) =>
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(content, name));

    private static IElement Row(IRenderedComponent<NewRotationPage> cut, string server) =>
        cut.FindAll("#server-order tbody tr").Single(r => r.GetAttribute("data-server-name") == server);

    private static IElement DialogButton(IRenderedComponent<MudDialogProvider> dialogs, string text) =>
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == text);
}
