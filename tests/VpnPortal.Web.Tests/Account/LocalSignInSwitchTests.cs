using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Account.Oidc;
using VpnPortal.Web.Tests.Support;
using Xunit;

using static VpnPortal.Web.Tests.Security.SessionChanges;

namespace VpnPortal.Web.Tests.Account;

/// <summary>Local (password) accounts switched off except for break-glass admins, and the settings the portal refuses to start with.</summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class LocalSignInSwitchTests(OidcProviderFixture fixture) : IClassFixture<OidcProviderFixture>
{
    private const string BreakGlass = "breakglass@corp.example";

    [Fact]
    public async Task LocalOff_PasswordFormPostedByAnOrdinaryAccount_IsRefusedServerSide()
    {
        await using var portal = await StartAsync();
        var user = await portal.CreateUserAsync(Roles.Admin);
        using var browser = portal.CreateBrowser();

        // The form is hidden unless asked for; a crafted post must fail as well.
        using var response = await browser.SignInAsync(user.Email, user.Password, "/account/sign-in?local=true");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.BodyAsync()).ShouldContain("Password sign-in is switched off. Sign in with Test IdP.");
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
    }

    [Fact]
    public async Task LocalOff_BreakGlassAdmin_StillSignsInWithThePassword()
    {
        await using var portal = await StartAsync();
        var admin = await portal.CreateUserAsync(Roles.Admin, BreakGlass);

        using var browser = portal.CreateBrowser();

        using var response = await browser.SignInAsync(admin.Email, admin.Password, "/account/sign-in?local=true");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeTrue();
    }

    [Fact]
    public async Task LocalOff_SignInPage_ShowsOnlyTheOrganisationButton()
    {
        await using var portal = await StartAsync();
        using var browser = portal.CreateBrowser();

        using var page = await browser.GetAsync("/account/sign-in");
        var html = await page.BodyAsync();

        html.ShouldContain("Sign in with Test IdP");
        html.ShouldNotContain("id=\"password\"");
        html.ShouldContain("Emergency admin sign-in");
    }

    [Fact]
    public async Task LocalOn_SignInPage_ShowsTheButtonAndTheForm()
    {
        await using var portal = await PortalFactory.StartAsync(settings: fixture.Provider.PortalSettings());
        using var browser = portal.CreateBrowser();

        using var page = await browser.GetAsync("/account/sign-in");
        var html = await page.BodyAsync();

        html.ShouldContain("Sign in with Test IdP");
        html.ShouldContain("id=\"password\"");
    }

    [Fact]
    public async Task LocalSwitchedOff_EndsOrdinaryPasswordSessions_KeepsBreakGlassAndOrganisationSessions()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = fixture.Provider.PortalSettings();
        settings["Authentication:Local:BreakGlassAdmins:0"] = BreakGlass;
        await using var portal = await PortalFactory.StartAsync(time: time, settings: settings);
        using var ordinary = await portal.SignInAsync(await portal.CreateUserAsync(Roles.Admin));
        using var emergency = await portal.SignInAsync(await portal.CreateUserAsync(Roles.Admin, BreakGlass));
        var login = $"o{Guid.NewGuid():N}"[..12];
        await fixture.Provider.AddUserAsync(login, new Dictionary<string, object> { ["email"] = $"{login}@corp.example", ["roles"] = new[] { "VpnPortal.Admin" } });
        using var organisation = new ProviderBrowser(portal);
        using (var callback = await organisation.SignInAsync(login))
        {
            callback.RedirectPath().ShouldBe("/");
        }

        // Revalidated once while password sign-in is on: every session is rebuilt from the database and stays.
        time.Advance(TimeSpan.FromMinutes(2));
        await ShouldBeSignedInAsync(ordinary.Client, "while password sign-in is on");
        await ShouldBeSignedInAsync(emergency.Client, "while password sign-in is on");
        await ShouldBeSignedInAsync(organisation.Portal.Client, "while password sign-in is on");

        SwitchLocalSignIn(portal, enabled: false);
        time.Advance(TimeSpan.FromMinutes(2));

        using (var ended = await ordinary.GetAsync("/me"))
        {
            ended.StatusCode.ShouldBe(HttpStatusCode.Redirect, "a password session ends once password sign-in is off");
            ended.RedirectPath().ShouldBe(PortalBrowser.SignInPath);
        }

        ordinary.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
        await ShouldBeSignedInAsync(emergency.Client, "a break-glass admin keeps their password session");
        await ShouldBeSignedInAsync(organisation.Portal.Client, "a session from the organisation's provider is not a password session");
    }

    [Fact]
    public void Settings_ClientSecretInAppSettingsJson_AreRefusedWithTheFix()
    {
        var folder = Directory.CreateTempSubdirectory();
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "appsettings.json"), """{ "Authentication": { "Oidc": { "ClientSecret": "s3cret" } } }""");
            var configuration = new ConfigurationBuilder().SetBasePath(folder.FullName).AddJsonFile("appsettings.json").Build();

            var result = Validate(configuration, Valid());

            result.Failed.ShouldBeTrue();
            result.FailureMessage.ShouldNotBeNull().ShouldContain("is set in appsettings.json");
            result.FailureMessage.ShouldNotBeNull().ShouldContain("Authentication__Oidc__ClientSecret");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Settings_Valid_AreAccepted()
    {
        Validate(new ConfigurationBuilder().Build(), Valid()).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("Authority", "http://idp.corp.example", "must use https")]
    [InlineData("ClientId", "", "ClientId is required")]
    [InlineData("ClientSecret", "", "ClientSecret is required")]
    [InlineData("DefaultRole", "Root", "not a portal role")]
    public void Settings_Wrong_AreRefusedSayingWhich(string setting, string value, string message)
    {
        var o = Valid();
        typeof(OidcOptions).GetProperty(setting)!.SetValue(o, value);

        Validate(new ConfigurationBuilder().Build(), o).FailureMessage.ShouldNotBeNull().ShouldContain(message);
    }

    [Fact]
    public void Settings_NoMappingAndNoDefaultRole_AreRefused()
    {
        var o = Valid();
        o.RoleMap.Clear();

        Validate(new ConfigurationBuilder().Build(), o).FailureMessage.ShouldNotBeNull().ShouldContain("maps nothing");
    }

    [Fact]
    public void Settings_LocalOffWithoutOidc_AreRefused()
    {
        var result = new OidcOptionsValidator(new ConfigurationBuilder().Build(), Options.Create(new LocalSignInOptions { Enabled = false }))
            .Validate(null, new OidcOptions());

        result.FailureMessage.ShouldNotBeNull().ShouldContain("nobody could sign in");
    }

    private static async Task ShouldBeSignedInAsync(HttpClient client, string why)
    {
        using var response = await client.GetAsync("/me", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, why);
    }

    private static OidcOptions Valid() => new()
    {
        Enabled = true,
        Authority = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0",
        ClientId = "client",
        ClientSecret = "secret",
        RoleMap = new() { [Roles.Admin] = ["VpnPortal.Admin"] },
    };

    private static ValidateOptionsResult Validate(IConfiguration configuration, OidcOptions o) =>
        new OidcOptionsValidator(configuration, Options.Create(new LocalSignInOptions())).Validate(null, o);

    private Task<PortalFactory> StartAsync()
    {
        var settings = fixture.Provider.PortalSettings();
        settings["Authentication:Local:Enabled"] = "false";
        settings["Authentication:Local:BreakGlassAdmins:0"] = BreakGlass;
        return PortalFactory.StartAsync(settings: settings);
    }
}
