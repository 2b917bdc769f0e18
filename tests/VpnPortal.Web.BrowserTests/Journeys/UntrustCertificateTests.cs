using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Playwright;
using Shouldly;
using VpnPortal.Agent.Simulation;
using VpnPortal.Contracts.Agents;
using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

/// <summary>
/// An admin untrusts a lost laptop's certificate on the page: a PFX is refused with the reason, the .cer is uploaded and
/// confirmed, the placement climbs to "2 of 2" live as the simulated servers import it, and removal empties the set again.
/// </summary>
public sealed class UntrustCertificateTests(ChromiumBrowser chromium)
{
    private const string Email = SimulatedFleetPortal.Email;
    private const string Password = SimulatedFleetPortal.Password;

    [Fact]
    public async Task Admin_UploadsADeviceCertificate_SeesItReachEveryServerLive_AndRemovesIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SimulatedFleetPortal.StartAsync(2, 0, new SimulationOptions { Seed = 5, TargetSessions = 4 }, ct);
        var (db, portal, fleet, apiKey) = (env.Database, env.Portal, env.Fleet, env.ApiKey);
        var folder = Directory.CreateTempSubdirectory("untrust-journey-");
        try
        {
            using var api = new HttpClient { BaseAddress = portal.BaseUrl };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            await Eventually.ReachAsync(
                async () => await api.GetFromJsonAsync<JsonElement>("/api/v1/servers", ct),
                s => s.GetProperty("items").EnumerateArray().Count(i => i.GetProperty("lastReportAt").ValueKind == JsonValueKind.String) == 2,
                ct);

            using var laptop = DeviceCertificates.Create("LT-7000.corp.example");
            var cer = Path.Combine(folder.FullName, "LT-7000.cer");
            await File.WriteAllBytesAsync(cer, laptop.RawData, ct);
            var pfx = Path.Combine(folder.FullName, "LT-7000.pfx");
            await File.WriteAllBytesAsync(pfx, laptop.Export(X509ContentType.Pfx, "secret"), ct);

            await using var tab = await chromium.NewPageAsync(portal.BaseUrl, "untrust-certificate");
            await tab.Page.GotoAsync("account/sign-in");
            await tab.SignInAsync(Email, Password);
            await tab.GotoInteractiveAsync("untrusted-certificates");
            await Expect(tab.Page.Locator("#no-untrusted")).ToBeVisibleAsync();

            await tab.ChooseFileAsync("#certificate-file", new FilePayload { Name = "LT-7000.pfx", MimeType = "application/x-pkcs12", Buffer = await File.ReadAllBytesAsync(pfx, ct) },
                tab.Page.Locator("#untrust .alert.error"), "LT-7000.pfx is a PFX");
            await Expect(tab.Page.Locator("#untrust-button")).ToBeDisabledAsync();
            await tab.ScreenshotAsync("pfx-refused");

            await tab.Page.Locator("#certificate-file").SetInputFilesAsync(cer);
            await Expect(tab.Page.Locator("#chosen")).ToContainTextAsync("LT-7000.corp.example");
            await tab.Page.Locator("#untrust-reason").FillAsync("Laptop stolen, INC-4711");
            await tab.Page.Locator("#untrust-button").ClickAsync();
            await Expect(tab.Page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("on the 2 servers with an agent");
            await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Untrust", Exact = true }).ClickAsync();

            await Expect(tab.Page.Locator("#untrust-done")).ToContainTextAsync("imports queued on 2 servers");
            var row = tab.Page.Locator($"tr[data-sha1='{laptop.Thumbprint}']");
            await Expect(row.Locator(".placement")).ToHaveTextAsync("2 of 2", new() { Timeout = 30_000 });
            await Expect(row).ToContainTextAsync("Laptop stolen, INC-4711");
            await tab.ScreenshotAsync("in-place-everywhere");
            fleet.RrasServers.ShouldAllBe(s => s.Thumbprints(CertificateStoreKind.Disallowed).Contains(laptop.Thumbprint));

            await row.Locator(".remove-untrusted").ClickAsync();
            await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Remove everywhere" }).ClickAsync();
            await Expect(tab.Page.Locator("#no-untrusted")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            fleet.RrasServers.ShouldAllBe(s => !s.Thumbprints(CertificateStoreKind.Disallowed).Contains(laptop.Thumbprint));
            await tab.ShouldHaveNoScriptErrorsAsync();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
