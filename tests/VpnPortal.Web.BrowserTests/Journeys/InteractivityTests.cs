using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

/// <summary>
/// The page stays interactive over its circuit: what is typed and clicked updates it without reloads, and a portal
/// restarted under an open page brings the page back by itself (.NET 10's blazor.web.js and its reconnect UI, served
/// by the SDK's static web assets).
/// </summary>
public sealed class InteractivityTests(ChromiumBrowser chromium)
{
    [Fact]
    public async Task ServerList_SearchAndPaging_UpdateOverTheCircuitWithoutReloadingThePage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);
        await SeedServersAsync(db, 30, ct);
        await using var portal = await PortalProcess.StartAsync(db, ct);
        await using var tab = await chromium.NewPageAsync(portal.BaseUrl, "interactivity");
        var page = tab.Page;
        await tab.CreateFirstAdminAsync(await portal.SetupLinkAsync(), "ada@corp.example", "correct horse battery");

        await tab.GotoInteractiveAsync("servers/rras");
        var count = page.Locator("#server-count");
        var rows = page.Locator("tr.server-row");
        // Prerendering shows no rows: the grid loads once the circuit runs, so these already need interactivity.
        await Expect(count).ToHaveTextAsync("30 servers");
        await Expect(rows).ToHaveCountAsync(25);
        await page.EvaluateAsync("() => { window.__vpnMarker = 42; }");
        // Pages visited before (the dashboard after setup) had circuits of their own; from here on there is one.
        var circuitsBefore = tab.BlazorSockets.Count;
        circuitsBefore.ShouldBeGreaterThan(0, "the server list became interactive without a circuit");

        // Key by key with no pause, faster than any person: every keystroke is an event on the circuit, and a
        // re-render must not overwrite what was typed after it (it did, from the second search on).
        var search = page.Locator("#server-search");
        foreach (var (term, expected) in new[] { ("vpn07", "1 server"), ("london", "15 servers"), ("vpn2", "10 servers") })
        {
            await search.FillAsync("");
            await Expect(count).ToHaveTextAsync("30 servers");
            await search.PressSequentiallyAsync(term);

            await Expect(search).ToHaveValueAsync(term);
            await Expect(count).ToHaveTextAsync(expected);
        }

        await search.FillAsync("vpn07");
        await Expect(count).ToHaveTextAsync("1 server");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.Locator("a")).ToHaveTextAsync("VPN07");
        (await Marker(page)).ShouldBe(42, "the search reloaded the page instead of updating it over the circuit");

        await search.FillAsync("");
        await Expect(count).ToHaveTextAsync("30 servers");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();

        await Expect(rows).ToHaveCountAsync(5);
        await Expect(rows.First.Locator("a")).ToHaveTextAsync("VPN26");
        await tab.ScreenshotAsync("server-list-page-2");
        (await Marker(page)).ShouldBe(42, "paging reloaded the page instead of updating it over the circuit");

        // One circuit for the whole visit to the list: no reconnect or reload opened another one.
        tab.BlazorSockets.Count.ShouldBe(circuitsBefore, "searching or paging opened a new circuit");
        tab.BlazorSockets[^1].ShouldStartWith($"ws://{portal.BaseUrl.Authority}/_blazor");
        await tab.ShouldHaveNoScriptErrorsAsync();
    }

    [Fact]
    public async Task APortalRestartedUnderAnOpenPage_ShowsItIsReconnecting_AndBringsThePageBackUsableWithoutAManualReload()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);
        await SeedServersAsync(db, 25, ct);
        var port = PortalProcess.FreePort();
        var first = await PortalProcess.StartAsync(db, ct, port: port);
        await using var tab = await chromium.NewPageAsync(first.BaseUrl, "restart");
        var page = tab.Page;
        var count = page.Locator("#server-count");
        int circuitsBefore;
        try
        {
            await tab.CreateFirstAdminAsync(await first.SetupLinkAsync(), "ada@corp.example", "correct horse battery");
            await tab.GotoInteractiveAsync("servers/rras");
            await Expect(count).ToHaveTextAsync("25 servers");
            circuitsBefore = tab.BlazorSockets.Count;
        }
        finally
        {
            await first.DisposeAsync();
        }

        // The framework's reconnect UI (in its own shadow root) tells the person the portal is away while it is.
        var rejoining = page.GetByText(new Regex("Rejoining the server|Rejoin failed")).First;
        await Expect(rejoining).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await tab.ScreenshotAsync("reconnecting");

        await using var second = await PortalProcess.StartAsync(db, ct, port: port);
        // The new portal does not know the old circuit: the page reloads itself and opens a new one, signed in still
        // (the keys that protect the cookie are in the database, encrypted by the same certificate).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (tab.BlazorSockets.Count <= circuitsBefore && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, ct);
        }

        tab.BlazorSockets.Count.ShouldBeGreaterThan(circuitsBefore, "the page did not come back to the restarted portal by itself");
        await Expect(page).ToHaveURLAsync(new Regex("/servers/rras$"), new() { Timeout = 30_000 });
        await Expect(rejoining).Not.ToBeVisibleAsync();
        await Expect(count).ToHaveTextAsync("25 servers", new() { Timeout = 30_000 });
        await page.Locator("#server-search").FillAsync("vpn07");
        await Expect(count).ToHaveTextAsync("1 server");
        await tab.ScreenshotAsync("reconnected");
    }

    private static Task<int?> Marker(IPage page) => page.EvaluateAsync<int?>("() => window.__vpnMarker ?? null");

    private static async Task SeedServersAsync(TestDatabase db, int count, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        for (var i = 1; i <= count; i++)
        {
            context.RrasServers.Add(new RrasServer
            {
                Id = Guid.NewGuid(),
                Name = $"VPN{i:00}",
                HostFqdn = $"vpn{i:00}.corp.example",
                PublicFqdns = [$"vpn{i:00}.example.com"],
                Site = i % 2 == 0 ? "London" : "Paris",
            });
        }

        await context.SaveChangesAsync(ct);
    }
}
