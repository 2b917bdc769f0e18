using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Shouldly;
using VpnPortal.Agent.Simulation;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

/// <summary>
/// An operator sorts the fleet's sessions table by user (the database orders it) and downloads the CSV export, which
/// holds every live session in the same order as the table; hides a column; and filters by a user, which the address
/// keeps.
/// </summary>
public sealed class SessionsTableJourneyTests(ChromiumBrowser chromium)
{
    [Fact]
    public async Task Operator_SortsSessionsByUser_AndDownloadsThemInThatOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SimulatedFleetPortal.StartAsync(2, 0, new SimulationOptions { Seed = 11, TargetSessions = 15 }, ct);
        var live = await Eventually.ReachAsync(() => LiveSessionsAsync(env, ct), n => n >= 20, ct);

        await using var tab = await chromium.NewPageAsync(env.Portal.BaseUrl, "sessions-table");
        await tab.Page.GotoAsync("account/sign-in");
        await tab.SignInAsync(SimulatedFleetPortal.Email, SimulatedFleetPortal.Password);
        await tab.GotoInteractiveAsync("sessions");
        var rows = tab.Page.Locator("#fleet-sessions tbody tr.session-row");
        await Expect(rows).ToHaveCountAsync(Math.Min(25, live));

        // At a laptop's 1366 px every column the table shows fits: nothing cut off at its right edge.
        var cut = await tab.Page.Locator("#fleet-sessions").EvaluateAsync<int>(
            "grid => { const t = grid.querySelector('table'); return Math.ceil(t.getBoundingClientRect().right - grid.getBoundingClientRect().right); }");
        cut.ShouldBeLessThanOrEqualTo(0, "the sessions table overflows its grid by this many pixels");

        await tab.Page.Locator("#fleet-sessions th .sortable-column-header", new() { HasTextString = "User or device" }).ClickAsync();
        await Expect(tab.Page.Locator("#export-sessions")).ToHaveAttributeAsync("href", "export/sessions.csv?sort=UserName");
        var shown = await rows.Locator(".session-user").AllInnerTextsAsync();
        shown.Count.ShouldBe(Math.Min(25, live));
        await tab.ScreenshotAsync("sessions-sorted-by-user");

        var download = await tab.Page.RunAndWaitForDownloadAsync(() => tab.Page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        download.SuggestedFilename.ShouldStartWith("sessions-");
        var path = await download.PathAsync();
        var lines = (await File.ReadAllLinesAsync(path!, ct)).Where(l => l.Length > 0).ToList();
        lines[0].TrimStart('\uFEFF').ShouldStartWith("User,Other names,");
        var exported = lines.Skip(1).Select(l => l.Split(',')[0]).ToList();
        exported.Count.ShouldBe(await LiveSessionsAsync(env, ct), "every live session, not one page");
        exported.Take(shown.Count).ShouldBe(shown.Select(s => s.Trim()), "the export is in the table's order");
        exported.ShouldBe(exported.Order(StringComparer.Ordinal).ToList(), "sorted by user name");

        // A column the operator does not need leaves the table, and the menu says it is off.
        var tunnelHeader = tab.Page.Locator("#fleet-sessions th", new() { HasTextString = "Tunnel address" });
        await Expect(tunnelHeader).ToHaveCountAsync(1);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Choose columns" }).ClickAsync();
        var tunnelChoice = tab.Page.GetByRole(AriaRole.Menuitemcheckbox, new() { Name = "Tunnel address" });
        await Expect(tunnelChoice).ToHaveAttributeAsync("aria-checked", "true");
        await tunnelChoice.ClickAsync();
        await Expect(tunnelHeader).ToHaveCountAsync(0);
        await Expect(tunnelChoice).ToHaveAttributeAsync("aria-checked", "false");
        await tab.Page.Keyboard.PressAsync("Escape");

        // The search goes into the address, and the address brings the same filtered table back.
        var one = shown.Select(u => u.Trim()).Last(u => u.Contains('@'));
        var others = rows.Filter(new() { HasNotTextString = one });
        await tab.Page.Locator("#identity-search").FillAsync(one);
        await tab.Page.WaitForURLAsync(url => Uri.UnescapeDataString(url).Contains("q=" + one, StringComparison.Ordinal));
        await Expect(others).ToHaveCountAsync(0);
        await tab.GotoInteractiveAsync(new Uri(tab.Page.Url).PathAndQuery.TrimStart('/'));
        await Expect(tab.Page.Locator("#identity-search")).ToHaveValueAsync(one);
        await Expect(rows.First).ToBeVisibleAsync();
        await Expect(others).ToHaveCountAsync(0);
        await tab.ShouldHaveNoScriptErrorsAsync();
    }

    private static async Task<int> LiveSessionsAsync(SimulatedFleetPortal env, CancellationToken ct)
    {
        await using var context = env.Database.CreateContext();
        return await context.VpnSessions.CountAsync(s => s.EndedAt == null, ct);
    }
}
