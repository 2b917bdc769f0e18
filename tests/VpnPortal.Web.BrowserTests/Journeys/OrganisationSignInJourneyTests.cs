using Microsoft.Playwright;
using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

/// <summary>
/// Organisation sign-in in a real browser: the portal process, the real OpenID Connect provider (node oidc-provider on
/// loopback) and its own login and sign-out pages, with password sign-in switched off as production runs it.
/// </summary>
public sealed class OrganisationSignInJourneyTests(ChromiumBrowser chromium)
{
    private const string DisplayName = "Corp IdP";

    [Fact]
    public async Task Admin_SignsInAtTheProvider_SeesTheAdminPages_AndSignsOutOfBothPortalAndProvider()
    {
        await using var env = await OidcPortal.StartAsync();
        var login = await env.AddPersonAsync("Ada Lovelace", roles: ["VpnPortal.Admin"]);
        await using var tab = await chromium.NewPageAsync(env.Portal.BaseUrl, "organisation-sign-in-admin");
        var page = tab.Page;

        await page.GotoAsync("account/sign-in");
        await Expect(page.Locator("#password")).ToHaveCountAsync(0);
        await page.Locator("#sign-in-oidc").ClickAsync();
        await SignInAtTheProviderAsync(tab, env, login);

        await page.WaitForURLAsync(url => IsPortal(env, url, "/"));
        await Expect(page.Locator(".whoami")).ToContainTextAsync($"{login}@corp.example");
        await Expect(page.Locator(".whoami .roles")).ToHaveTextAsync("Admin");
        await Expect(page.Locator("#nav-agents")).ToBeVisibleAsync();
        await Expect(page.Locator("nav a[href=audit]")).ToBeVisibleAsync();
        await tab.ScreenshotAsync("signed-in");
        (await AuthCookiesAsync(page)).ShouldNotBeEmpty();

        // Signing out ends the portal session, then the provider asks to confirm ending its own.
        var endedBefore = await env.Provider.SessionsEndedAsync();
        await page.Locator("#sign-out").ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith($"{env.Provider.IssuerText}/session/end", StringComparison.Ordinal));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign out");
        (await AuthCookiesAsync(page)).ShouldBeEmpty("the portal cookie is gone before the browser reaches the provider");
        await tab.ScreenshotAsync("provider-sign-out");
        await page.Locator("#logout-yes").ClickAsync();

        await page.WaitForURLAsync(url => IsPortal(env, url, "/account/sign-in"));
        await Expect(page.Locator("#sign-in-oidc")).ToBeVisibleAsync();
        await Expect(page.Locator("#sign-out")).ToHaveCountAsync(0);
        (await env.Provider.SessionsEndedAsync()).ShouldBe(endedBefore + 1);

        // The portal no longer knows the browser...
        await page.GotoAsync("me");
        await page.WaitForURLAsync(url => IsPortal(env, url, "/account/sign-in"));
        // ...and neither does the provider: signing in again asks for the login, it is not answered from a session.
        await page.Locator("#sign-in-oidc").ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith($"{env.Provider.IssuerText}/interaction/", StringComparison.Ordinal));
        await Expect(page.Locator("#login")).ToBeVisibleAsync();
        await tab.ShouldHaveNoScriptErrorsAsync();
    }

    [Fact]
    public async Task User_SignsInAtTheProvider_AndLandsOnTheirOwnPageWithoutFleetPages()
    {
        await using var env = await OidcPortal.StartAsync();
        var login = await env.AddPersonAsync("Uma User", roles: ["VpnPortal.User"]);
        await using var tab = await chromium.NewPageAsync(env.Portal.BaseUrl, "organisation-sign-in-user");
        var page = tab.Page;

        await page.GotoAsync("account/sign-in");
        await page.Locator("#sign-in-oidc").ClickAsync();
        await SignInAtTheProviderAsync(tab, env, login);

        await page.WaitForURLAsync(url => IsPortal(env, url, "/me"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("My account");
        await Expect(page.Locator(".whoami .roles")).ToHaveTextAsync("User");
        await Expect(page.Locator("#nav-sessions")).ToHaveCountAsync(0);
        await Expect(page.Locator("#nav-agents")).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("user-page");
        await tab.ShouldHaveNoScriptErrorsAsync();
    }

    [Fact]
    public async Task PersonWithoutAMappedRole_SignsInAtTheProvider_AndSeesThePortalsRefusal()
    {
        await using var env = await OidcPortal.StartAsync();
        var login = await env.AddPersonAsync("Nora Nobody", roles: ["Payroll.Reader"]);
        await using var tab = await chromium.NewPageAsync(env.Portal.BaseUrl, "organisation-sign-in-refused");
        var page = tab.Page;

        await page.GotoAsync("account/sign-in");
        await page.Locator("#sign-in-oidc").ClickAsync();
        await SignInAtTheProviderAsync(tab, env, login);

        await page.WaitForURLAsync(url => IsPortal(env, url, "/account/sign-in-refused"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("You are not signed in");
        await Expect(page.Locator("#sign-in-refused")).ToContainTextAsync($"Your {DisplayName} account has no VpnPortal role");
        await Expect(page.Locator("#sign-out")).ToHaveCountAsync(0);
        (await AuthCookiesAsync(page)).ShouldBeEmpty();
        await tab.ScreenshotAsync("refused");

        await page.GotoAsync("me");
        await page.WaitForURLAsync(url => IsPortal(env, url, "/account/sign-in"));
        await tab.ShouldHaveNoScriptErrorsAsync();
    }

    [Fact]
    public async Task EntraAdmin_SignsInWithTheDirectoryAccount_TheAppAuthenticatingWithItsCertificate_AndSignsOut()
    {
        await using var env = await OidcPortal.StartAsync(entra: true);
        var login = await env.AddPersonAsync("Grace Hopper", roles: ["VpnPortal.Admin"]);
        await using var tab = await chromium.NewPageAsync(env.Portal.BaseUrl, "organisation-sign-in-entra");
        var page = tab.Page;

        await page.GotoAsync("account/sign-in");
        await Expect(page.Locator("#sign-in-oidc")).ToContainTextAsync(DisplayName);
        await page.Locator("#sign-in-oidc").ClickAsync();
        await SignInAtTheProviderAsync(tab, env, login);

        await page.WaitForURLAsync(url => IsPortal(env, url, "/"));
        await Expect(page.Locator(".whoami")).ToContainTextAsync($"{login}@corp.example");
        await Expect(page.Locator(".whoami .roles")).ToHaveTextAsync("Admin");
        await tab.ScreenshotAsync("signed-in");

        await page.Locator("#sign-out").ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith($"{env.Provider.IssuerText}/session/end", StringComparison.Ordinal));
        (await AuthCookiesAsync(page)).ShouldBeEmpty();
        await page.Locator("#logout-yes").ClickAsync();
        await page.WaitForURLAsync(url => IsPortal(env, url, "/account/sign-in"));
        await tab.ShouldHaveNoScriptErrorsAsync();
    }

    /// <summary>The provider's own login page, as a person fills it in.</summary>
    private static async Task SignInAtTheProviderAsync(PortalPage tab, OidcPortal env, string login)
    {
        var page = tab.Page;
        // Under the provider's own address; Entra ID's stand-in has its login page beside its tenant's issuer.
        await page.WaitForURLAsync(url => url.StartsWith(env.Provider.Instance, StringComparison.Ordinal) && url.Contains("/interaction/", StringComparison.Ordinal));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await page.Locator("#login").FillAsync(login);
        await tab.ScreenshotAsync("provider-login");
        await page.Locator("#login-submit").ClickAsync();
    }

    private static bool IsPortal(OidcPortal env, string url, string path)
    {
        var uri = new Uri(url);
        return uri.Port == env.Portal.BaseUrl.Port && uri.AbsolutePath == path;
    }

    /// <summary>The portal's sign-in cookie (and its chunks, when the kept id_token makes it large).</summary>
    private static async Task<List<string>> AuthCookiesAsync(IPage page) =>
        (await page.Context.CookiesAsync()).Select(c => c.Name).Where(n => n.StartsWith("VpnPortal.Auth", StringComparison.Ordinal)).ToList();

    /// <summary>The provider on loopback and a portal process pointed at it, each knowing the other's address.</summary>
    private sealed class OidcPortal : IAsyncDisposable
    {
        private readonly string? _certificateFolder;

        private OidcPortal(OidcTestProvider provider, TestDatabase database, PortalProcess portal, string? certificateFolder)
        {
            Provider = provider;
            Database = database;
            Portal = portal;
            _certificateFolder = certificateFolder;
        }

        public OidcTestProvider Provider { get; }

        public TestDatabase Database { get; }

        public PortalProcess Portal { get; }

        /// <param name="entra">Microsoft Entra ID's stand-in, the portal's app registration authenticating with a certificate (PFX file).</param>
        public static async Task<OidcPortal> StartAsync(bool entra = false)
        {
            var ct = TestContext.Current.CancellationToken;
            // The provider must know the portal's callback before the portal can be pointed at the provider.
            var port = PortalProcess.FreePort();
            var portalUrl = $"http://127.0.0.1:{port}";
            using var certificate = entra ? OidcTestProvider.NewClientCertificate("CN=VpnPortal sign-in") : null;
            var provider = await OidcTestProvider.StartAsync([$"{portalUrl}/signin-oidc"], [$"{portalUrl}/account/sign-in"], ct, certificate);
            TestDatabase? database = null;
            string? folder = null;
            try
            {
                database = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
                var settings = provider.PortalSettings(DisplayName);
                if (certificate is not null)
                {
                    folder = Directory.CreateTempSubdirectory("vpnportal-entra-").FullName;
                    var pfx = Path.Combine(folder, "app.pfx");
                    await File.WriteAllBytesAsync(pfx, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pfx-password"), ct);
                    settings = provider.EntraPortalSettings(pfx, "pfx-password", DisplayName);
                }

                settings["Authentication:Local:Enabled"] = "false";
                var portal = await PortalProcess.StartAsync(database, ct, settings, port);
                return new OidcPortal(provider, database, portal, folder);
            }
            catch
            {
                if (database is not null)
                {
                    await database.DisposeAsync();
                }

                await provider.DisposeAsync();
                if (folder is not null)
                {
                    Directory.Delete(folder, recursive: true);
                }

                throw;
            }
        }

        /// <summary>Adds a person at the provider with these app roles; returns what they type as their login.</summary>
        public async Task<string> AddPersonAsync(string name, string[] roles)
        {
            var login = $"p{Guid.NewGuid():N}"[..10];
            var email = $"{login}@corp.example";
            var claims = new Dictionary<string, object>
            {
                ["name"] = name,
                ["email"] = email,
                ["email_verified"] = true,
                ["preferred_username"] = email,
                ["roles"] = roles,
            };
            if (Provider.Tenant is { } tenant)
            {
                // Entra ID: the person's directory and their object id in it.
                claims["tid"] = tenant;
                claims["oid"] = Guid.NewGuid().ToString();
            }

            await Provider.AddUserAsync(login, claims);
            return login;
        }

        public async ValueTask DisposeAsync()
        {
            await Portal.DisposeAsync();
            await Database.DisposeAsync();
            await Provider.DisposeAsync();
            if (_certificateFolder is not null)
            {
                Directory.Delete(_certificateFolder, recursive: true);
            }
        }
    }
}
