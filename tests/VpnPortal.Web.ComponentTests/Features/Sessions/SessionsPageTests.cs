using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Features.Rotations;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Sessions;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Sessions;

/// <summary>The fleet sessions page: a grid the database sorts, filters and pages, a row action that shows one user, and an export of what it shows.</summary>
public sealed class SessionsPageTests : IAsyncDisposable
{
    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    private async Task SessionAsync(Guid serverId, string user, string tunnelAddress, TunnelType tunnel, long bytesIn, int startedMinutesAgo)
    {
        await using var db = _ctx.Db();
        var now = _ctx.Time.GetUtcNow();
        db.VpnSessions.Add(new VpnSession
        {
            Id = Guid.NewGuid(),
            RrasServerId = serverId,
            SessionKey = Guid.NewGuid().ToString("N"),
            UserName = user,
            UserNames = [user],
            ClientInternalAddress = tunnelAddress,
            ClientExternalAddress = "203.0.113.7",
            TunnelType = tunnel,
            BytesIn = bytesIn,
            ConnectionStartTime = now.AddMinutes(-startedMinutesAgo),
            FirstSeenAt = now.AddMinutes(-startedMinutesAgo),
            LastSeenAt = now,
        });
        await db.SaveChangesAsync(Ct);
    }

    private async Task<Guid> SeedAsync()
    {
        var vpn01 = await RotationSeed.ServerAsync(_ctx, "VPN01", "vpn.corp.example", Ct);
        var vpn02 = await RotationSeed.ServerAsync(_ctx, "VPN02", "vpn.corp.example", Ct);
        await SessionAsync(vpn01, "ana@corp.example", "10.8.0.2", TunnelType.Sstp, 5_000, 30);
        await SessionAsync(vpn01, "bo@corp.example", "10.8.0.3", TunnelType.Ikev2, 100, 10);
        await SessionAsync(vpn02, "cy@corp.example", "10.8.0.4", TunnelType.Sstp, 70_000, 60);
        return vpn02;
    }

    private static IReadOnlyList<string> Users(IRenderedComponent<SessionsPage> cut) =>
        cut.FindAll("#fleet-sessions tbody tr.session-row .session-user").Select(e => e.TextContent.Trim()).ToList();

    private static void SortBy(IRenderedComponent<SessionsPage> cut, string column) =>
        cut.FindAll("#fleet-sessions th .sortable-column-header").Single(h => h.TextContent.Trim() == column).Click();

    /// <summary>Types into the search and leaves it, as the person does before looking.</summary>
    private static void Search(IRenderedComponent<SessionsPage> cut, string text)
    {
        cut.Find("#identity-search").Input(text);
        cut.Find("#identity-search").Blur();
    }

    [Fact]
    public async Task ShowsTheNewestFirst_WithTheTunnelAddressProtocolAndTraffic_AndSortsByAColumnHeader()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        await SeedAsync();

        var cut = _ctx.Bunit.Render<SessionsPage>();

        cut.WaitForAssertion(() => Users(cut).ShouldBe(["bo@corp.example", "ana@corp.example", "cy@corp.example"]));
        cut.Find("#session-total").TextContent.ShouldBe("3 live sessions");
        var first = cut.Find("#fleet-sessions tbody tr.session-row").TextContent;
        first.ShouldContain("10.8.0.3");
        first.ShouldContain("IKEv2");
        first.ShouldContain("100 B");
        cut.Find("#fleet-sessions tbody tr.session-row a[href^='servers/rras/']").TextContent.ShouldBe("VPN01");

        // The header's sort button: ascending by bytes in, then descending.
        SortBy(cut, "In");
        cut.WaitForAssertion(() => Users(cut).ShouldBe(["bo@corp.example", "ana@corp.example", "cy@corp.example"]));
        SortBy(cut, "In");
        cut.WaitForAssertion(() => Users(cut).ShouldBe(["cy@corp.example", "ana@corp.example", "bo@corp.example"]));
        cut.Find("#export-sessions").GetAttribute("href").ShouldBe("export/sessions.csv?sort=-BytesIn");
    }

    [Fact]
    public async Task FiltersByServerProtocolAndSearch_InTheDatabase_AndTheExportCarriesTheFilter()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        var vpn02 = await SeedAsync();
        var cut = _ctx.Bunit.Render<SessionsPage>();
        cut.WaitForAssertion(() => Users(cut).Count.ShouldBe(3));

        Search(cut, "10.8.0.2");
        cut.WaitForAssertion(() => cut.Find("#export-sessions").GetAttribute("href").ShouldBe("export/sessions.csv?search=10.8.0.2"));
        cut.WaitForAssertion(() => Users(cut).ShouldBe(["ana@corp.example"]));

        Search(cut, "nobody");
        cut.WaitForAssertion(() => cut.Find("#no-sessions").TextContent.ShouldBe("No live session matches the filter."));
        _ = vpn02;
    }

    [Fact]
    public async Task ARowsShowOnlyAction_LinksToTheUser_AndTheUserInTheAddressShowsTheDisconnectPanel()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.Admin);
        await SeedAsync();
        var cut = _ctx.Bunit.Render<SessionsPage>();
        cut.WaitForAssertion(() => Users(cut).Count.ShouldBe(3));

        var action = cut.Find("#fleet-sessions tbody tr.session-row .choose-user");
        action.GetAttribute("aria-label").ShouldBe("Show only bo@corp.example");
        action.GetAttribute("href").ShouldBe("sessions?user=bo%40corp.example");

        _ctx.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo("sessions?user=ana%40corp.example");
        var one = _ctx.Bunit.Render<SessionsPage>();
        one.WaitForAssertion(() => Users(one).ShouldBe(["ana@corp.example"]));
        one.Find("#target-panel").TextContent.ShouldContain("ana@corp.example has 1 live session on 1 server.");
        one.Find("#target-panel .disconnect-everywhere");
        one.Find("#export-sessions").GetAttribute("href").ShouldBe("export/sessions.csv?user=ana%40corp.example");
    }

    [Fact]
    public async Task TheFilters_ComeFromTheAddress_GoBackIntoIt_AndNonsenseInItIsIgnored()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        var vpn02 = await SeedAsync();
        var navigation = _ctx.Bunit.Services.GetRequiredService<NavigationManager>();

        navigation.NavigateTo($"sessions?server={vpn02}&protocol=sstp");
        var cut = _ctx.Bunit.Render<SessionsPage>();
        cut.WaitForAssertion(() => Users(cut).ShouldBe(["cy@corp.example"]));
        cut.Find("#export-sessions").GetAttribute("href")!.ShouldContain($"server={vpn02}");

        Search(cut, "cy@");
        cut.WaitForAssertion(
            () => Uri.UnescapeDataString(navigation.Uri).ShouldEndWith($"sessions?q=cy@&server={vpn02}&protocol=sstp"));

        navigation.NavigateTo($"sessions?server=not-a-server&protocol=%3Cscript%3E&q=");
        var all = _ctx.Bunit.Render<SessionsPage>();
        all.WaitForAssertion(() => Users(all).Count.ShouldBe(3));
        all.Find("#export-sessions").GetAttribute("href").ShouldBe("export/sessions.csv");
    }
}
