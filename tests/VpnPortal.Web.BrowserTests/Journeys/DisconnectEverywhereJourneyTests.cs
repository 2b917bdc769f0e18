using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Agent.Simulation;
using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

/// <summary>
/// An admin finds a user connected to two of three simulated RRAS servers (real agents over HTTP to the portal
/// process), disconnects them everywhere with an enforcement window, and watches the outcome; the user's sessions end
/// on both servers.
/// </summary>
public sealed class DisconnectEverywhereJourneyTests(ChromiumBrowser chromium)
{
    private const string Email = SimulatedFleetPortal.Email;
    private const string Password = SimulatedFleetPortal.Password;
    private const string Victim = "mallory.leaver@corp.example";

    [Fact]
    public async Task Admin_DisconnectsAUserEverywhere_AndSeesEachServersResult()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SimulatedFleetPortal.StartAsync(3, 0, new SimulationOptions { Seed = 5, TargetSessions = 6 }, ct);
        var (db, portal, fleet, apiKey) = (env.Database, env.Portal, env.Fleet, env.ApiKey);
        fleet.RrasServers[0].Connect(Victim);
        fleet.RrasServers[2].Connect(Victim);
        await EventuallyAsync(() => LiveSessionsAsync(db, ct), n => n == 2, "both sessions reach the portal");

        await using var tab = await chromium.NewPageAsync(portal.BaseUrl, "disconnect-everywhere");
        await tab.Page.GotoAsync("account/sign-in");
        await tab.SignInAsync(Email, Password);
        await tab.GotoInteractiveAsync($"sessions?user={Uri.EscapeDataString(Victim)}");
        await Expect(tab.Page.Locator("#target-panel")).ToContainTextAsync("2 live sessions on 2 servers");

        await tab.Page.Locator("#target-panel .disconnect-everywhere").ClickAsync();
        await Expect(tab.Page.Locator(".disconnect-where")).ToContainTextAsync("RRAS-SIM-01 (1), RRAS-SIM-03 (1)");
        await tab.ChooseAsync(tab.Page.GetByLabel("Keep it off for"), tab.Page.GetByRole(Microsoft.Playwright.AriaRole.Option, new() { Name = "1 hour" }));
        // The choice has reached the portal (the field shows it) before the confirmation: a loaded machine once ran the
        // disconnect without the window when the two clicks came closer than the choice's round trip.
        await Expect(tab.Page.Locator(".enforcement-window input").First).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^1 ?h"));
        await tab.Page.Locator(".confirm-disconnect").ClickAsync();

        await Expect(tab.Page.Locator(".operation-state")).ToHaveTextAsync("Completed", new() { Timeout = 20_000 });
        await Expect(tab.Page.Locator(".operation-outcome")).ToHaveTextAsync("Ended on 2 of 2 servers");
        await Expect(tab.Page.Locator("#operation-servers .step-status")).ToHaveTextAsync(["done", "done"]);
        await Expect(tab.Page.Locator(".enforcement-state")).ToHaveTextAsync("Active");
        await tab.ScreenshotAsync("disconnect-everywhere");
        fleet.RrasServers.SelectMany(s => s.ConnectedUserNames()).ShouldNotContain(Victim);
        await EventuallyAsync(() => LiveSessionsAsync(db, ct), n => n == 0, "the reports no longer list the sessions");

        // Back within the window: disconnected again without anyone clicking.
        fleet.RrasServers[1].Connect(Victim);
        await Expect(tab.Page.Locator("#redisconnects")).ToContainTextAsync("RRAS-SIM-02", new() { Timeout = 20_000 });
        await EventuallyAsync(() => Task.FromResult(fleet.RrasServers[1].ConnectedUserNames().Count(n => n == Victim)), n => n == 0, "the reconnection is ended");

        await tab.Page.Locator("#end-enforcement").ClickAsync();
        await tab.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "End now" }).ClickAsync();
        await Expect(tab.Page.Locator(".enforcement-state")).ToHaveTextAsync("Ended early");
        await tab.ShouldHaveNoScriptErrorsAsync();
    }

    private static async Task<int> LiveSessionsAsync(TestDatabase db, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        return await context.VpnSessions.CountAsync(s => s.EndedAt == null && s.UserName == Victim, ct);
    }

    private static async Task EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done(await read()))
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"not within 30 s: {what}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }
}
