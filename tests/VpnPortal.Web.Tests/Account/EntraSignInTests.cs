using System.Net;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Account;

/// <summary>
/// Organisation sign-in with Microsoft Entra ID through Microsoft.Identity.Web, against a stand-in that serves Entra's
/// shape over real HTTP: the tenant's own issuer at {instance}{tenant}/v2.0, tokens with tid and oid, and an app
/// registration that authenticates with a certificate.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class EntraSignInTests(EntraProviderFixture fixture) : IClassFixture<EntraProviderFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OidcTestProvider Provider => fixture.Provider;

    [Fact]
    public async Task SignIn_WithTheAppCertificate_KeysTheAccountByTenantAndObjectIdAndMapsTheAppRole()
    {
        await using var portal = await PortalFactory.StartAsync(settings: fixture.PortalSettings());
        var (login, email, objectId) = await AddPersonAsync(roles: ["VpnPortal.Admin"]);
        using var browser = new ProviderBrowser(portal);

        using var callback = await browser.SignInAsync(login, "/servers");

        callback.RedirectPath().ShouldBe("/servers");
        browser.SignedIn.ShouldBeTrue();
        await using var db = portal.Database.CreateContext();
        var user = await db.Users.SingleAsync(u => u.Email == email, Ct);
        var link = await db.UserLogins.SingleAsync(l => l.UserId == user.Id, Ct);
        link.LoginProvider.ShouldBe($"{Provider.Instance}{Provider.Tenant}/v2.0");
        link.ProviderKey.ShouldBe($"{Provider.Tenant}:{objectId}");
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).ToListAsync(Ct);
        roles.ShouldBe([Roles.Admin]);
    }

    [Fact]
    public async Task SignIn_GoesToTheTenantThroughIdentityWeb_CodeFlowWithPkce()
    {
        await using var portal = await PortalFactory.StartAsync(settings: fixture.PortalSettings());
        using var browser = new ProviderBrowser(portal);

        using var start = await browser.Portal.GetAsync("/account/sign-in/oidc");

        var authorize = start.Headers.Location.ShouldNotBeNull();
        authorize.GetLeftPart(UriPartial.Path).ShouldStartWith(Provider.IssuerText);
        var query = System.Web.HttpUtility.ParseQueryString(authorize.Query);
        query["x-client-brkrver"].ShouldNotBeNull().ShouldStartWith("IDWeb", Case.Sensitive, "Microsoft.Identity.Web names itself to Entra ID");
        query["response_type"].ShouldBe("code");
        query["response_mode"].ShouldBeNull("the code comes back in the query, the code flow's default");
        query["code_challenge_method"].ShouldBe("S256");
        query["nonce"].ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task SignIn_TokenFromAnotherTenant_IsRefused()
    {
        await using var portal = await PortalFactory.StartAsync(settings: fixture.PortalSettings());
        var (login, email, _) = await AddPersonAsync();
        await Provider.NextTokenAsync("other-tenant");
        using var browser = new ProviderBrowser(portal);

        using var callback = await browser.SignInAsync(login);

        await ShouldBeRefusedAsync(portal, browser, callback, email, "another issuer");
    }

    [Fact]
    public async Task SignIn_TokenWithoutTheTenantId_IsRefused()
    {
        await using var portal = await PortalFactory.StartAsync(settings: fixture.PortalSettings());
        var (login, email, _) = await AddPersonAsync();
        await Provider.NextTokenAsync("no-tid");
        using var browser = new ProviderBrowser(portal);

        using var callback = await browser.SignInAsync(login);

        await ShouldBeRefusedAsync(portal, browser, callback, email, "directory (tid)");
    }

    [Fact]
    public async Task SignIn_GroupsOverage_IsRefusedWithItsReason()
    {
        await using var portal = await PortalFactory.StartAsync(settings: fixture.PortalSettings());
        var login = $"u{Guid.NewGuid():N}"[..12];
        var claims = Claims(login, $"{login}@corp.example", Guid.NewGuid().ToString(), roles: []);
        // Entra ID names where the groups are instead of listing them when there are too many for a token.
        claims["_claim_names"] = new Dictionary<string, string> { ["groups"] = "src1" };
        await Provider.AddUserAsync(login, claims);
        using var browser = new ProviderBrowser(portal);

        using var callback = await browser.SignInAsync(login);

        callback.Headers.Location!.OriginalString.ShouldBe("/account/sign-in-refused?reason=groups-overage");
        browser.SignedIn.ShouldBeFalse();
    }

    [Fact]
    public async Task SignIn_WithACertificateTheAppRegistrationDoesNotKnow_IsRefusedByEntra()
    {
        var settings = fixture.PortalSettings();
        settings["Authentication:Oidc:ClientCertificatePath"] = fixture.StrangerCertificatePath;
        await using var portal = await PortalFactory.StartAsync(settings: settings);
        var (login, email, _) = await AddPersonAsync();
        using var browser = new ProviderBrowser(portal);

        using var callback = await browser.SignInAsync(login);

        callback.Headers.Location!.OriginalString.ShouldBe("/account/sign-in-refused?reason=provider-error");
        browser.SignedIn.ShouldBeFalse();
        await using var db = portal.Database.CreateContext();
        (await db.Users.AnyAsync(u => u.Email == email, Ct)).ShouldBeFalse();
        (await db.AuditEntries.SingleAsync(a => a.Action == "account.sign-in-failed", Ct)).Summary.ShouldContain("invalid_client");
    }

    [Fact]
    public async Task SignOut_EndsTheSessionAtEntraToo()
    {
        await using var portal = await PortalFactory.StartAsync(settings: fixture.PortalSettings());
        var (login, _, _) = await AddPersonAsync();
        using var browser = new ProviderBrowser(portal);
        using (var signedIn = await browser.SignInAsync(login))
        {
            browser.SignedIn.ShouldBeTrue();
        }

        using var mePage = await browser.Portal.GetAsync("/me");
        var form = HtmlForm.FindByAction(await mePage.BodyAsync(), "account/sign-out", "/me");
        using var signOut = await browser.Portal.SubmitAsync(form, new Dictionary<string, string>());

        signOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signOut.Headers.Location!.GetLeftPart(UriPartial.Path).ShouldStartWith($"{Provider.IssuerText}/session/end");
        browser.SignedIn.ShouldBeFalse();
    }

    private static async Task ShouldBeRefusedAsync(PortalFactory portal, ProviderBrowser browser, HttpResponseMessage callback, string email, string why)
    {
        callback.Headers.Location!.OriginalString.ShouldBe("/account/sign-in-refused?reason=bad-token");
        browser.SignedIn.ShouldBeFalse();
        await using var db = portal.Database.CreateContext();
        (await db.Users.AnyAsync(u => u.Email == email, Ct)).ShouldBeFalse();
        (await db.AuditEntries.SingleAsync(a => a.Action == "account.sign-in-failed", Ct)).Summary.ShouldContain(why);
    }

    private async Task<(string Login, string Email, string ObjectId)> AddPersonAsync(string[]? roles = null)
    {
        var login = $"u{Guid.NewGuid():N}"[..12];
        var email = $"{login}@corp.example";
        var objectId = Guid.NewGuid().ToString();
        await Provider.AddUserAsync(login, Claims(login, email, objectId, roles ?? ["VpnPortal.User"]));
        return (login, email, objectId);
    }

    /// <summary>What Entra ID's id_token says of a person: the directory (tid), their object id in it, the app's roles.</summary>
    private Dictionary<string, object?> Claims(string login, string email, string objectId, string[] roles) => new()
    {
        ["name"] = $"Person {login}",
        ["email"] = email,
        ["preferred_username"] = email,
        ["roles"] = roles,
        ["tid"] = Provider.Tenant,
        ["oid"] = objectId,
    };
}
