using Bunit;
using Microsoft.AspNetCore.Components;
using Shouldly;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Servers;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Servers;

public sealed class RrasServerEditorTests : IDisposable
{
    // Rendered as the portal renders them: interactive on the server.
    private readonly BunitContext _ctx = Interactive(new BunitContext());
    private readonly List<RrasServerInput> _saved = [];

    public void Dispose() => _ctx.Dispose();

    [Fact]
    public void SaveButton_BeforeTheCircuitIsInteractive_IsDisabled()
    {
        using var prerender = new BunitContext();
        prerender.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var cut = prerender.Render<RrasServerEditor>(p => p
            .Add(e => e.Input, new RrasServerInput())
            .Add(e => e.OnSave, _ => Task.FromResult(CommandResult.Ok(Guid.NewGuid()))));

        cut.Find("#save-server").HasAttribute("disabled").ShouldBeTrue("a native post of the prerendered form would lose what was typed");
        RenderEditor(_ => Task.FromResult(CommandResult.Ok(Guid.NewGuid()))).Find("#save-server").HasAttribute("disabled").ShouldBeFalse();
    }

    [Fact]
    public void Submit_InvalidFqdn_ShowsFieldErrorAndDoesNotSave()
    {
        var cut = RenderEditor(_ => Task.FromResult(CommandResult.Ok(Guid.NewGuid())));
        FillValid(cut);

        cut.Find("#srv-fqdn").Change("vpn01..corp.example");
        cut.Find("form").Submit();

        FieldErrors(cut).ShouldHaveSingleItem().ShouldContain("two dots in a row");
        cut.Find("#srv-fqdn").GetAttribute("aria-invalid").ShouldBe("true");
        _saved.ShouldBeEmpty();
    }

    [Fact]
    public void Submit_EmptyName_ShowsFieldErrorAndDoesNotSave()
    {
        var cut = RenderEditor(_ => Task.FromResult(CommandResult.Ok(Guid.NewGuid())));
        FillValid(cut);

        cut.Find("#srv-name").Change("");
        cut.Find("form").Submit();

        FieldErrors(cut).ShouldHaveSingleItem().ShouldBe("Enter the server's host name.");
        cut.Find("#srv-name").GetAttribute("aria-invalid").ShouldBe("true");
        _saved.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    public void Submit_PortOutOfRange_ShowsFieldErrorAndDoesNotSave(string port)
    {
        var cut = RenderEditor(_ => Task.FromResult(CommandResult.Ok(Guid.NewGuid())));
        FillValid(cut);

        cut.Find("#srv-port").Change(port);
        cut.Find("form").Submit();

        FieldErrors(cut).ShouldHaveSingleItem().ShouldContain("between 1 and 65535");
        cut.Find("#srv-port").GetAttribute("aria-invalid").ShouldBe("true");
        _saved.ShouldBeEmpty();
    }

    [Fact]
    public void Submit_ValidInput_CallsOnSaveWithTheTypedValues()
    {
        var cut = RenderEditor(_ => Task.FromResult(CommandResult.Ok(Guid.NewGuid())));
        FillValid(cut);
        cut.Find("#proto-l2tp").Change(true);

        cut.Find("form").Submit();

        var saved = _saved.ShouldHaveSingleItem();
        saved.Name.ShouldBe("VPN01");
        saved.HostFqdn.ShouldBe("vpn01.corp.example");
        saved.PublicFqdnList().ShouldBe(["vpn.corp.example", "vpn2.corp.example"]);
        saved.Site.ShouldBe("London");
        saved.SstpListenerPort.ShouldBe(8443);
        saved.Protocols.ShouldBe(Data.Entities.VpnProtocols.Sstp | Data.Entities.VpnProtocols.Ikev2 | Data.Entities.VpnProtocols.L2tp);
        FieldErrors(cut).ShouldBeEmpty();
        cut.FindAll(".alert.error").ShouldBeEmpty();
    }

    [Fact]
    public void Submit_SaveReportsConflict_ShowsChangedBySomeoneElse()
    {
        var cut = RenderEditor(_ => Task.FromResult(CommandResult.Conflict()));
        FillValid(cut);

        cut.Find("form").Submit();

        _saved.ShouldHaveSingleItem();
        cut.Find(".alert.error").TextContent.ShouldContain("changed by someone else");
        FieldErrors(cut).ShouldBeEmpty();
    }

    [Fact]
    public void Submit_SaveReportsTakenName_ShowsItNextToTheName()
    {
        var cut = RenderEditor(_ => Task.FromResult(CommandResult.Invalid(nameof(RrasServerInput.Name), ServerNames.TakenMessage("VPN01"))));
        FillValid(cut);

        cut.Find("form").Submit();

        FieldErrors(cut).ShouldHaveSingleItem().ShouldBe("A server named VPN01 already exists.");
        cut.Find("#srv-name").GetAttribute("aria-invalid").ShouldBe("true");
    }

    [Fact]
    public void Resubmit_AfterFixingTheError_ClearsItAndSaves()
    {
        var cut = RenderEditor(_ => Task.FromResult(CommandResult.Ok(Guid.NewGuid())));
        FillValid(cut);
        cut.Find("#srv-fqdn").Change("http://vpn01.corp.example");
        cut.Find("form").Submit();
        FieldErrors(cut).ShouldHaveSingleItem();

        cut.Find("#srv-fqdn").Change("vpn01.corp.example");
        cut.Find("form").Submit();

        FieldErrors(cut).ShouldBeEmpty();
        _saved.ShouldHaveSingleItem().HostFqdn.ShouldBe("vpn01.corp.example");
    }

    private IRenderedComponent<RrasServerEditor> RenderEditor(Func<RrasServerInput, Task<CommandResult>> result) =>
        _ctx.Render<RrasServerEditor>(p => p
            .Add(e => e.Input, new RrasServerInput())
            .Add(e => e.OnSave, input =>
            {
                _saved.Add(input);
                return result(input);
            }));

    private static void FillValid(IRenderedComponent<RrasServerEditor> cut)
    {
        cut.Find("#srv-name").Change("VPN01");
        cut.Find("#srv-fqdn").Change("vpn01.corp.example");
        cut.Find("#srv-public").Change("vpn.corp.example\nvpn2.corp.example");
        cut.Find("#srv-site").Change("London");
        cut.Find("#srv-port").Change("8443");
    }

    private static List<string> FieldErrors(IRenderedComponent<RrasServerEditor> cut) =>
        cut.FindAll(".field-error").Select(e => e.TextContent.Trim()).ToList();

    private static BunitContext Interactive(BunitContext ctx)
    {
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }
}
