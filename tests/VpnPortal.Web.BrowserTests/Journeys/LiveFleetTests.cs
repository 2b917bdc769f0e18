using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Agent.Simulation;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

/// <summary>
/// The portal as a real process on Kestrel, a simulated fleet in the test process as separate agents over real
/// HTTP: enrollment through the v1 API, reports, and what admins then see in the API and on the server page.
/// </summary>
public sealed class LiveFleetTests(ChromiumBrowser chromium)
{
    private const string Email = SimulatedFleetPortal.Email;
    private const string Password = SimulatedFleetPortal.Password;

    [Fact]
    public async Task SimulatedAgents_EnrollAndReport_SessionsShowInTheApiAndOnTheServerPage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SimulatedFleetPortal.StartAsync(2, 1, new SimulationOptions { Seed = 7, TargetSessions = 12 }, ct);
        var (db, portal, fleet, apiKey) = (env.Database, env.Portal, env.Fleet, env.ApiKey);
        var rras = fleet.RrasServers[0];
        using var api = new HttpClient { BaseAddress = portal.BaseUrl };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var sessions = await Eventually.ReachAsync(
            async () => await api.GetFromJsonAsync<JsonElement>($"/api/v1/sessions?server={rras.MachineName}&take=500", ct),
            s => Items(s).GetArrayLength() >= rras.SessionCount && rras.SessionCount > 0,
            ct);
        var reportedUsers = Items(sessions).EnumerateArray().Select(s => s.GetProperty("userName").GetString()!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var someUser = rras.ConnectedUserNames().First(reportedUsers.Contains);

        var servers = await api.GetFromJsonAsync<JsonElement>("/api/v1/servers", ct);
        Items(servers).EnumerateArray().Select(s => s.GetProperty("name").GetString()).ShouldBe(
            ["NPS-SIM-01", "RRAS-SIM-01", "RRAS-SIM-02"], ignoreOrder: true);

        await using var tab = await chromium.NewPageAsync(portal.BaseUrl, "live-fleet");
        await tab.Page.GotoAsync("account/sign-in");
        await tab.SignInAsync(Email, Password);
        Guid serverId;
        await using (var context = db.CreateContext())
        {
            serverId = await context.Servers.Where(s => s.Name == rras.MachineName).Select(s => s.Id).SingleAsync(ct);
        }

        await tab.GotoInteractiveAsync($"servers/rras/{serverId}");
        await Expect(tab.Page.Locator(".session-grid")).ToContainTextAsync(someUser);
        await Expect(tab.Page.Locator("body")).ToContainTextAsync("0.0.0.0:443");

        // At a laptop's 1366 px every column the table shows fits: nothing cut off at its right edge.
        var cut = await tab.Page.Locator(".session-grid").EvaluateAsync<int>(
            "grid => { const t = grid.querySelector('table'); return Math.ceil(t.getBoundingClientRect().right - grid.getBoundingClientRect().right); }");
        cut.ShouldBeLessThanOrEqualTo(0, "the live sessions table overflows its card by this many pixels");
        await tab.ScreenshotAsync("server-page-live-sessions");
        await tab.ShouldHaveNoScriptErrorsAsync();
    }

    private static JsonElement Items(JsonElement page) => page.ValueKind == JsonValueKind.Array ? page : page.GetProperty("items");
}
