using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Shouldly;
using VpnPortal.Agent.Simulation;
using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

/// <summary>
/// An admin rolls a new SSTP certificate out to two simulated RRAS servers (real agents over HTTP against the portal
/// process): uploads the PFX, checks it, starts, and watches the progress page until both servers carry it.
/// </summary>
public sealed class SstpRotationTests(ChromiumBrowser chromium)
{
    private const string Email = SimulatedFleetPortal.Email;
    private const string Password = SimulatedFleetPortal.Password;
    private const string PfxPassword = "Journey-Pfx-Secret-9d27";
    private const string PublicFqdn = "vpn.corp.example";

    [Fact]
    public async Task UploadAPfx_AndWatchATwoServerRotationFinish()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SimulatedFleetPortal.StartAsync(2, 0, new SimulationOptions { Seed = 11, TargetSessions = 4, PublicFqdn = PublicFqdn, RemoteAccessRestartDuration = TimeSpan.FromSeconds(1) }, ct);
        var (db, portal, fleet, apiKey) = (env.Database, env.Portal, env.Fleet, env.ApiKey);
        // The names clients dial are the admin's to record, not the agent's to report: set them as an admin would.
        await WhenBothReportedAsync(db, ct);
        await using (var context = db.CreateContext())
        {
            await context.RrasServers.ExecuteUpdateAsync(s => s.SetProperty(r => r.PublicFqdns, new List<string> { PublicFqdn }), ct);
        }

        var (pfx, certificate) = NewPfx();
        await using var tab = await chromium.NewPageAsync(portal.BaseUrl, "sstp-rotation");
        var page = tab.Page;
        await page.GotoAsync("account/sign-in");
        await tab.SignInAsync(Email, Password);

        await page.Locator("#nav-rotations").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/rotations");
        await Expect(page.Locator("#no-rotations")).ToBeVisibleAsync();
        await tab.GotoInteractiveAsync("rotations/new");
        await Expect(page.Locator("#server-order tbody tr")).ToHaveCountAsync(2);
        // Read over the circuit from the browser: the zone the window is typed in.
        await Expect(page.Locator("#window-zone")).ToContainTextAsync("your browser's time zone");

        await tab.ChooseFileAsync("#pfx-file input[type=file]", new FilePayload { Name = "vpn-2027.pfx", MimeType = "application/x-pkcs12", Buffer = pfx }, page.Locator("#pfx-file-name"), "vpn-2027.pfx");
        await page.Locator("#pfx-password").FillAsync(PfxPassword);
        await page.Locator("#check-rotation").ClickAsync();
        await Expect(page.Locator("#check-fit")).ToContainTextAsync("in this order: RRAS-SIM-01, RRAS-SIM-02.");
        await Expect(page.Locator("#summary-sha1")).ToHaveTextAsync(certificate.Thumbprint);
        await Expect(page.Locator("#refusals")).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("checked");

        await page.Locator("#start-rotation").ClickAsync();
        await Expect(page.Locator("#confirm-servers li")).ToHaveTextAsync(["RRAS-SIM-01", "RRAS-SIM-02"]);
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Start rollout" }).ClickAsync();

        await page.WaitForURLAsync(url => Guid.TryParse(new Uri(url).AbsolutePath.Replace("/rotations/", "", StringComparison.Ordinal), out _));
        await Expect(page.Locator("#rotation-sha1")).ToHaveTextAsync(certificate.Thumbprint);
        var finished = new LocatorAssertionsToHaveAttributeOptions { Timeout = 90_000 };
        await Expect(page.Locator("#rotation-status .rotation-state")).ToHaveAttributeAsync("data-state", "completed", finished);
        await Expect(page.Locator(".rotation-server")).ToHaveCountAsync(2);
        foreach (var server in await page.Locator(".rotation-server").AllAsync())
        {
            await Expect(server).ToHaveAttributeAsync("data-state", "done");
            await Expect(server.Locator(".rotation-timeline .step.failed")).ToHaveCountAsync(0);
            await Expect(server.Locator(".rotation-timeline .step[data-step='check-listener']").Last).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bok\b"));
        }

        await Expect(page.Locator("#rotation-reason")).ToHaveTextAsync("The certificate is in use on 2 servers.");
        await tab.ScreenshotAsync("rotation");

        await tab.GotoInteractiveAsync("rotations");
        var listed = page.Locator("#rotation-list tbody tr");
        await Expect(listed).ToHaveCountAsync(1);
        await Expect(listed.Locator(".rotation-state")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(listed.Locator(".rotation-count")).ToHaveTextAsync("2 of 2 servers");
        await Expect(listed.Locator(".rotation-link")).ToHaveTextAsync(PublicFqdn);

        // What the servers report now, not only what the page says: both carry the new certificate for SSTP.
        await using (var context = db.CreateContext())
        {
            (await context.RrasServers.Select(s => s.Sstp.ConfiguredCertificateSha1).ToListAsync(ct)).ShouldAllBe(sha1 => sha1 == certificate.Thumbprint);
        }

        fleet.RrasServers.ShouldAllBe(s => s.IsRemoteAccessRunning);
        await tab.ShouldHaveNoScriptErrorsAsync();
    }

    private static async Task WhenBothReportedAsync(TestDatabase db, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var context = db.CreateContext();
            var reported = await context.RrasServers.CountAsync(s => s.LastReportAt != null && s.Sstp.ConfiguredCertificateSha1 != null, ct);
            if (reported == 2)
            {
                return;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"only {reported} of 2 simulated RRAS servers reported within 30 s");
            await Task.Delay(250, ct);
        }
    }

    private static (byte[] Pfx, X509Certificate2 Certificate) NewPfx()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={PublicFqdn}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(PublicFqdn);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(400));
        return (certificate.Export(X509ContentType.Pkcs12, PfxPassword), certificate);
    }
}
