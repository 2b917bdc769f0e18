using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Servers;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Servers;

/// <summary>One NPS server's page: its facts and MFA extension, and (admins) editing and removing it.</summary>
public sealed class NpsServerPageTests : IAsyncDisposable
{
    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _ctx.DisposeAsync();

    private async Task<Guid> SeedAsync(Action<NpsServer>? configure = null)
    {
        await using var db = _ctx.Db();
        var server = new NpsServer { Id = Guid.NewGuid(), Name = "NPS01", HostFqdn = "nps01.corp.example", Site = "London", RadiusTimeoutSeconds = 30 };
        configure?.Invoke(server);
        db.NpsServers.Add(server);
        await db.SaveChangesAsync(Ct);
        return server.Id;
    }

    [Fact]
    public async Task Facts_ShowTheShortTimeout_TheMfaState_AndADisabledServicePrincipal()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        var id = await SeedAsync(s =>
        {
            s.MfaExtension = MfaExtensionState.Installed;
            s.MfaExtensionVersion = "1.2.3";
            s.MfaClientServicePrincipalEnabled = false;
            s.MfaConnectorServicePrincipalEnabled = true;
        });

        var cut = _ctx.Bunit.Render<NpsServerPage>(p => p.Add(x => x.Id, id));

        cut.WaitForAssertion(() => cut.Find("#mfa-state").TextContent.Trim().ShouldBe("Installed"));
        cut.Find("#mfa-state").ClassList.ShouldContain("mud-chip-color-success");
        cut.Find("#timeout-warning").TextContent.ShouldContain("phone-call MFA needs at least 60 s");
        cut.Find("#mfa-sp-disabled").TextContent.ShouldContain("ESTS_TOKEN_ERROR");
        cut.Find("#nps-mfa").TextContent.ShouldContain("1.2.3");
        cut.Find("nav[aria-label='Breadcrumb'] a").GetAttribute("href").ShouldBe("servers/nps");
        cut.FindAll("#edit-server, #remove-server").ShouldBeEmpty("only admins change servers");
    }

    [Fact]
    public async Task Facts_NotInstalled_AllPrincipalsFine_ShowNoWarnings()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        var id = await SeedAsync(s => (s.RadiusTimeoutSeconds, s.MfaExtension) = (60, MfaExtensionState.NotInstalled));

        var cut = _ctx.Bunit.Render<NpsServerPage>(p => p.Add(x => x.Id, id));

        cut.WaitForAssertion(() => cut.Find("#mfa-state").TextContent.Trim().ShouldBe("Not installed"));
        cut.Find("#mfa-state").ClassList.ShouldContain("mud-chip-color-default");
        cut.FindAll("#timeout-warning, #mfa-sp-disabled").ShouldBeEmpty();
    }

    [Fact]
    public async Task Edit_SavesTheChange_ClosesTheEditor_AndSaysSo()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.Admin);
        var id = await SeedAsync();
        var snackbars = _ctx.Bunit.Render<MudSnackbarProvider>();
        var cut = _ctx.Bunit.Render<NpsServerPage>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() => cut.Find("#edit-server"));

        cut.Find("#edit-server").Click();
        cut.Find("#nps-site").Change("Leeds");
        cut.Find("#nps-timeout").Change("90");
        cut.Find("form").Submit();

        snackbars.WaitForAssertion(() => snackbars.Markup.ShouldContain("Server saved: NPS01"));
        cut.WaitForAssertion(() => cut.FindAll("form").ShouldBeEmpty());
        cut.Find("#nps-configuration").TextContent.ShouldContain("Leeds");
        cut.FindAll("#timeout-warning").ShouldBeEmpty();
        await using var db = _ctx.Db();
        var saved = await db.NpsServers.AsNoTracking().SingleAsync(Ct);
        (saved.Site, saved.RadiusTimeoutSeconds).ShouldBe(("Leeds", 90));
    }

    [Fact]
    public async Task Remove_AsksFirst_ThenRemovesAndGoesBackToTheList()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.Admin);
        var id = await SeedAsync();
        var dialogs = _ctx.Bunit.Render<MudDialogProvider>();
        var cut = _ctx.Bunit.Render<NpsServerPage>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() => cut.Find("#remove-server"));

        cut.Find("#remove-server").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("Remove NPS01 from the portal?"));
        DialogButton(dialogs, "Cancel").Click();
        await using (var db = _ctx.Db())
        {
            (await db.NpsServers.CountAsync(Ct)).ShouldBe(1, "cancelled: nothing removed");
        }

        cut.Find("#remove-server").Click();
        dialogs.WaitForAssertion(() => DialogButton(dialogs, "Remove").Click());

        var navigation = _ctx.Bunit.Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => navigation.Uri.ShouldBe("http://localhost/servers/nps"));
        await using var after = _ctx.Db();
        (await after.NpsServers.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task MissingServer_SaysSo_AndLinksBackToTheList()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);

        var cut = _ctx.Bunit.Render<NpsServerPage>(p => p.Add(x => x.Id, Guid.NewGuid()));

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("This server does not exist; someone may have removed it."));
        cut.FindAll("a").ShouldContain(a => a.GetAttribute("href") == "servers/nps" && a.TextContent.Contains("Back to NPS servers"));
    }

    private static IElement DialogButton(IRenderedComponent<MudDialogProvider> dialogs, string text) =>
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == text);
}
