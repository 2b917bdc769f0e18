using System.Net;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Account;

/// <summary>
/// Organisation sign-in against a real OpenID Connect provider (node oidc-provider on loopback): the code flow with
/// PKCE, role mapping, just-in-time accounts and linking, and every id_token the portal must refuse.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class OidcSignInTests(OidcProviderFixture fixture) : IClassFixture<OidcProviderFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OidcTestProvider Provider => fixture.Provider;

    [Theory]
    [InlineData("VpnPortal.Admin", Roles.Admin)]
    [InlineData("VpnPortal.OnCall", Roles.OnCall)]
    [InlineData("VpnPortal.User", Roles.User)]
    public async Task SignIn_AppRole_CreatesTheAccountWithTheMappedRoleAndAudits(string appRole, string portalRole)
    {
        await using var portal = await StartPortalAsync();
        var (login, email) = await AddUserAsync(roles: [appRole]);
        using var browser = new ProviderBrowser(portal);

        using var callback = await browser.SignInAsync(login, "/certificates");

        callback.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        callback.RedirectPath().ShouldBe("/certificates");
        browser.SignedIn.ShouldBeTrue();
        (await RolesOfAsync(portal, email)).ShouldBe([portalRole]);
        await using var db = portal.Database.CreateContext();
        var user = await db.Users.SingleAsync(u => u.Email == email, Ct);
        user.PasswordHash.ShouldBeNull("an account created at sign-in has no password");
        user.DisplayName.ShouldBe($"Person {login}");
        (await db.UserLogins.SingleAsync(l => l.UserId == user.Id, Ct)).LoginProvider.ShouldBe(Provider.IssuerText);
        var actions = await db.AuditEntries.Where(a => a.EntityId == user.Id.ToString()).Select(a => a.Action).ToListAsync(Ct);
        actions.ShouldContain("account.created-at-sign-in");
        actions.ShouldContain("account.roles-mapped");
        actions.ShouldContain("user.role-granted");
        (await db.AuditEntries.SingleAsync(a => a.Action == "account.signed-in", Ct)).Summary.ShouldBe($"{email} signed in (oidc)");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task SignIn_AdminGroup_MapsToAdminAndOpensAnAdminPage(string provider)
    {
        await using var portal = await StartPortalAsync(provider: provider);
        var (login, email) = await AddUserAsync(groups: [OidcTestProvider.AdminGroup]);
        using var browser = new ProviderBrowser(portal);

        using var callback = await browser.SignInAsync(login);

        callback.RedirectPath().ShouldBe("/");
        (await RolesOfAsync(portal, email)).ShouldBe([Roles.Admin]);
        using var audit = await browser.Portal.GetAsync("/audit");
        audit.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignIn_NoMappedRole_IsRefusedWithAClearPageAndNoAccount()
    {
        await using var portal = await StartPortalAsync();
        var (login, email) = await AddUserAsync(roles: ["Something.Else"], groups: ["11111111-2222-3333-4444-555555555555"]);
        using var browser = new ProviderBrowser(portal);

        using var callback = await browser.SignInAsync(login);

        Target(callback).ShouldBe("/account/sign-in-refused?reason=no-role");
        browser.SignedIn.ShouldBeFalse();
        using var page = await browser.Portal.GetAsync(Target(callback));
        page.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await page.BodyAsync()).ShouldContain("has no VpnPortal role");
        await using var db = portal.Database.CreateContext();
        (await db.Users.AnyAsync(u => u.Email == email, Ct)).ShouldBeFalse();
        (await db.AuditEntries.SingleAsync(a => a.Action == "account.sign-in-failed", Ct)).Summary.ShouldContain("no-role");
    }

    [Fact]
    public async Task SignIn_NoMappedRoleWithADefaultRole_GetsTheDefault()
    {
        await using var portal = await StartPortalAsync(new() { ["Authentication:Oidc:DefaultRole"] = Roles.User });
        var (login, email) = await AddUserAsync(roles: ["Something.Else"]);
        using var browser = new ProviderBrowser(portal);

        using var callback = await browser.SignInAsync(login);

        callback.RedirectPath().ShouldBe("/");
        (await RolesOfAsync(portal, email)).ShouldBe([Roles.User]);
    }

    [Theory]
    [InlineData("tampered", "signature is not valid")]
    [InlineData("expired", "expired")]
    [InlineData("wrong-audience", "another client")]
    [InlineData("wrong-issuer", "another issuer")]
    [InlineData("wrong-nonce", "nonce is not the one")]
    [InlineData("no-nonce", "no nonce")]
    [InlineData("unknown-key", "key the provider does not publish")]
    [InlineData("alg-none", "signature is not valid")]
    public async Task SignIn_BadIdToken_IsRefusedAndAuditedWithTheReason(string mode, string reason)
    {
        await using var portal = await StartPortalAsync();
        var (login, email) = await AddUserAsync(roles: ["VpnPortal.User"]);
        using var browser = new ProviderBrowser(portal);
        await Provider.NextTokenAsync(mode);

        using var callback = await browser.SignInAsync(login);

        Target(callback).ShouldBe("/account/sign-in-refused?reason=bad-token");
        browser.SignedIn.ShouldBeFalse();
        await using var db = portal.Database.CreateContext();
        (await db.Users.AnyAsync(u => u.Email == email, Ct)).ShouldBeFalse();
        var failure = await db.AuditEntries.SingleAsync(a => a.Action == "account.sign-in-failed", Ct);
        failure.Summary.ShouldContain("bad-token");
        failure.Summary.ShouldContain(reason);
    }

    [Fact]
    public async Task SignIn_TokenResponseWithoutIdToken_IsRefused()
    {
        await using var portal = await StartPortalAsync();
        var (login, _) = await AddUserAsync(roles: ["VpnPortal.User"]);
        using var browser = new ProviderBrowser(portal);
        await Provider.NextTokenAsync("omit");

        using var callback = await browser.SignInAsync(login);

        Target(callback).ShouldBe("/account/sign-in-refused?reason=no-id-token");
        browser.SignedIn.ShouldBeFalse();
    }

    [Fact]
    public async Task SignIn_ReplayedIdTokenOfAnEarlierSignIn_IsRefusedByTheNonce()
    {
        await using var portal = await StartPortalAsync();
        var (login, _) = await AddUserAsync(roles: ["VpnPortal.Admin"]);
        using (var first = new ProviderBrowser(portal))
        {
            using var ok = await first.SignInAsync(login);
            first.SignedIn.ShouldBeTrue();
        }

        using var browser = new ProviderBrowser(portal);
        await Provider.NextTokenAsync("replay");
        using var callback = await browser.SignInAsync(login);

        Target(callback).ShouldBe("/account/sign-in-refused?reason=bad-token");
        browser.SignedIn.ShouldBeFalse();
        await using var db = portal.Database.CreateContext();
        (await db.AuditEntries.SingleAsync(a => a.Action == "account.sign-in-failed", Ct)).Summary.ShouldContain("nonce");
    }

    [Fact]
    public async Task SignIn_AfterTheProviderRollsItsKeysOver_FetchesTheNewKeysAndSignsIn()
    {
        await using var portal = await StartPortalAsync();
        var (login, _) = await AddUserAsync(roles: ["VpnPortal.OnCall"]);
        using (var before = new ProviderBrowser(portal))
        {
            using var ok = await before.SignInAsync(login);
            before.SignedIn.ShouldBeTrue("the portal has now cached the provider's first key");
        }

        await Provider.RotateKeysAsync(retireOld: true);
        using var browser = new ProviderBrowser(portal);
        using var callback = await browser.SignInAsync(login);

        callback.RedirectPath().ShouldBe("/", "a token signed with the new key is accepted once the keys are fetched again");
        browser.SignedIn.ShouldBeTrue();
    }

    [Fact]
    public async Task SignIn_StateChangedOnTheWayBack_IsRefused()
    {
        await using var portal = await StartPortalAsync();
        var (login, _) = await AddUserAsync(roles: ["VpnPortal.User"]);
        using var browser = new ProviderBrowser(portal);
        using var start = await browser.Portal.GetAsync("/account/sign-in/oidc");
        var authorize = start.Headers.Location!.ToString();
        var tampered = System.Text.RegularExpressions.Regex.Replace(authorize, "state=([^&]{10})", "state=AAAAAAAAAA");

        using var callback = await browser.FollowToPortalAsync(await browser.GetAsync(new Uri(tampered)), login);

        Target(callback).ShouldBe("/account/sign-in-refused?reason=bad-state");
        browser.SignedIn.ShouldBeFalse();
    }

    [Fact]
    public async Task SignIn_CallbackInAnotherBrowser_IsRefusedByTheCorrelationCookie()
    {
        await using var portal = await StartPortalAsync();
        var (login, _) = await AddUserAsync(roles: ["VpnPortal.Admin"]);
        using var victim = new ProviderBrowser(portal);
        using var attacker = new ProviderBrowser(portal);
        using var start = await attacker.Portal.GetAsync("/account/sign-in/oidc");
        // The attacker walks the provider up to the redirect back with their code, and hands that link to the victim.
        var response = await attacker.GetAsync(start.Headers.Location!);
        while (ProviderBrowser.IsRedirect(response) || response.RequestMessage!.RequestUri!.AbsolutePath.StartsWith("/interaction", StringComparison.Ordinal))
        {
            var next = ProviderBrowser.IsRedirect(response) ? new Uri(response.RequestMessage!.RequestUri!, response.Headers.Location!) : null;
            if (next?.Host == "localhost")
            {
                break;
            }

            response = next is null
                ? await attacker.PostAsync(response.RequestMessage!.RequestUri!, new Dictionary<string, string> { ["login"] = login })
                : await attacker.GetAsync(next);
        }

        var callbackUrl = new Uri(response.RequestMessage!.RequestUri!, response.Headers.Location!);
        callbackUrl.AbsolutePath.ShouldBe("/signin-oidc");

        using var callback = await victim.Portal.GetAsync(callbackUrl.PathAndQuery);

        Target(callback).ShouldBe("/account/sign-in-refused?reason=bad-state");
        victim.SignedIn.ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task SignIn_RolesChangeAtTheProvider_AreReappliedAtTheNextSignInAndAudited(string provider)
    {
        await using var portal = await StartPortalAsync(provider: provider);
        var (login, email) = await AddUserAsync(roles: ["VpnPortal.Admin"]);
        await SignInAsync(portal, login);
        await Provider.AddUserAsync(login, Claims(login, email, roles: ["VpnPortal.OnCall"]), await SubjectOfAsync(portal, email));

        await SignInAsync(portal, login);

        (await RolesOfAsync(portal, email)).ShouldBe([Roles.OnCall]);
        await using var db = portal.Database.CreateContext();
        var mapped = await db.AuditEntries.Where(a => a.Action == "account.roles-mapped").OrderBy(a => a.Id).Select(a => a.Summary).ToListAsync(Ct);
        mapped.Last().ShouldContain("OnCall (were: Admin)");
        (await db.AuditEntries.CountAsync(a => a.Action == "user.role-revoked", Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task SignIn_DisabledAccount_IsRefusedEvenWithAValidToken()
    {
        await using var portal = await StartPortalAsync();
        var (login, email) = await AddUserAsync(roles: ["VpnPortal.Admin"]);
        await SignInAsync(portal, login);
        await using (var db = portal.Database.CreateContext())
        {
            await db.Users.Where(u => u.Email == email).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsDisabled, true), Ct);
        }

        using var browser = new ProviderBrowser(portal);
        using var callback = await browser.SignInAsync(login);

        Target(callback).ShouldBe("/account/sign-in-refused?reason=disabled");
        browser.SignedIn.ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task SignIn_LocalAccountWithTheSameEmail_IsRefusedWhenLinkingIsOff(string provider)
    {
        await using var portal = await StartPortalAsync(provider: provider);
        var local = await portal.CreateUserAsync(Roles.OnCall);
        var (login, _) = await AddUserAsync(roles: ["VpnPortal.Admin"], email: local.Email, emailVerified: true);
        using var browser = new ProviderBrowser(portal);

        using var callback = await browser.SignInAsync(login);

        Target(callback).ShouldBe("/account/sign-in-refused?reason=account-exists");
        (await RolesOfAsync(portal, local.Email)).ShouldBe([Roles.OnCall], "a refused sign-in changes nothing");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task SignIn_LinkByVerifiedEmail_LinksTheLocalAccountAndAppliesTheMappedRoles(string provider)
    {
        await using var portal = await StartPortalAsync(new() { ["Authentication:Oidc:LinkByVerifiedEmail"] = "true" }, provider);
        var local = await portal.CreateUserAsync(Roles.OnCall);
        var (login, _) = await AddUserAsync(roles: ["VpnPortal.Admin"], email: local.Email, emailVerified: true);

        await SignInAsync(portal, login);

        await using var db = portal.Database.CreateContext();
        (await db.UserLogins.SingleAsync(Ct)).UserId.ShouldBe(local.Id);
        (await RolesOfAsync(portal, local.Email)).ShouldBe([Roles.Admin]);
        (await db.AuditEntries.SingleAsync(a => a.Action == "account.linked", Ct)).Summary.ShouldContain("verified e-mail");
    }

    [Fact]
    public async Task SignIn_LinkByVerifiedEmail_RefusesAnUnverifiedEmail()
    {
        await using var portal = await StartPortalAsync(new() { ["Authentication:Oidc:LinkByVerifiedEmail"] = "true" });
        var local = await portal.CreateUserAsync(Roles.OnCall);
        var (login, _) = await AddUserAsync(roles: ["VpnPortal.Admin"], email: local.Email, emailVerified: false);
        using var browser = new ProviderBrowser(portal);

        using var callback = await browser.SignInAsync(login);

        Target(callback).ShouldBe("/account/sign-in-refused?reason=account-exists");
        await using var db = portal.Database.CreateContext();
        (await db.UserLogins.AnyAsync(Ct)).ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task SignIn_LinkByUpn_LinksTheAccountWithThatUpn(string provider)
    {
        await using var portal = await StartPortalAsync(new() { ["Authentication:Oidc:LinkByUserPrincipalName"] = "true" }, provider);
        var local = await portal.CreateUserAsync(Roles.User);
        var upn = $"{Guid.NewGuid():N}@corp.example";
        await using (var db = portal.Database.CreateContext())
        {
            await db.Users.Where(u => u.Id == local.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.UserPrincipalName, upn), Ct);
        }

        var (login, _) = await AddUserAsync(roles: ["VpnPortal.User"], email: null, upn: upn.ToUpperInvariant());

        await SignInAsync(portal, login);

        await using var check = portal.Database.CreateContext();
        (await check.UserLogins.SingleAsync(Ct)).UserId.ShouldBe(local.Id);
    }

    [Fact]
    public async Task SignIn_BreakGlassAdmin_CannotUseTheOrganisationSignIn()
    {
        var breakGlass = $"{Guid.NewGuid():N}@corp.example";
        await using var portal = await StartPortalAsync(new()
        {
            ["Authentication:Oidc:LinkByVerifiedEmail"] = "true",
            ["Authentication:Local:BreakGlassAdmins:0"] = breakGlass,
        });
        await portal.CreateUserAsync(Roles.Admin, breakGlass);
        var (login, _) = await AddUserAsync(roles: ["VpnPortal.User"], email: breakGlass, emailVerified: true);
        using var browser = new ProviderBrowser(portal);

        using var callback = await browser.SignInAsync(login);

        Target(callback).ShouldBe("/account/sign-in-refused?reason=break-glass");
        (await RolesOfAsync(portal, breakGlass)).ShouldBe([Roles.Admin]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task SignIn_EntraObjectAndTenantIds_KeyTheAccount_NotTheAppSpecificSubject(string provider)
    {
        await using var portal = await StartPortalAsync(provider: provider);
        var (login, email) = await AddUserAsync(roles: ["VpnPortal.User"]);
        var (tenant, objectId) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        await Provider.AddUserAsync(login, EntraClaims(login, email, tenant, objectId), sub: $"{login}-as-seen-by-app-1");
        await SignInAsync(portal, login);

        // The same person as another app registration sees them: a different sub, the same object in the same tenant.
        await Provider.AddUserAsync(login, EntraClaims(login, email, tenant, objectId, roles: ["VpnPortal.OnCall"]), sub: $"{login}-as-seen-by-app-2");
        await SignInAsync(portal, login);

        await using var db = portal.Database.CreateContext();
        var user = await db.Users.SingleAsync(Ct);
        (await db.UserLogins.SingleAsync(Ct)).ProviderKey.ShouldBe($"{tenant}:{objectId}");
        (await RolesOfAsync(portal, email)).ShouldBe([Roles.OnCall], "the second sign-in reached the same account");
        user.Email.ShouldBe(email);
    }

    [Fact]
    public async Task SignIn_SameObjectIdFromAnotherTenant_IsNotTheSamePerson()
    {
        await using var portal = await StartPortalAsync();
        var (login, email) = await AddUserAsync(roles: ["VpnPortal.Admin"]);
        var objectId = Guid.NewGuid().ToString();
        await Provider.AddUserAsync(login, EntraClaims(login, email, Guid.NewGuid().ToString(), objectId));
        await SignInAsync(portal, login);

        // Another directory with an object of the same id and the same address: not linked to the first account.
        var stranger = $"s{Guid.NewGuid():N}"[..12];
        await Provider.AddUserAsync(stranger, EntraClaims(stranger, email, Guid.NewGuid().ToString(), objectId));
        using var browser = new ProviderBrowser(portal);
        using var callback = await browser.SignInAsync(stranger);

        Target(callback).ShouldBe("/account/sign-in-refused?reason=account-exists");
        browser.SignedIn.ShouldBeFalse();
        await using var db = portal.Database.CreateContext();
        (await db.UserLogins.CountAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task SignOut_EndsThePortalSessionAndTheProviderSession()
    {
        await using var portal = await StartPortalAsync();
        var (login, _) = await AddUserAsync(roles: ["VpnPortal.User"]);
        using var browser = new ProviderBrowser(portal);
        using (var signedIn = await browser.SignInAsync(login))
        {
            browser.SignedIn.ShouldBeTrue();
        }

        var endedBefore = await Provider.SessionsEndedAsync();
        using var mePage = await browser.Portal.GetAsync("/me");
        var form = HtmlForm.FindByAction(await mePage.BodyAsync(), "account/sign-out", "/me");
        using var signOut = await browser.Portal.SubmitAsync(form, new Dictionary<string, string>());

        signOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var endSession = signOut.Headers.Location!;
        endSession.GetLeftPart(UriPartial.Path).ShouldBe($"{Provider.IssuerText}/session/end");
        var query = System.Web.HttpUtility.ParseQueryString(endSession.Query);
        query["id_token_hint"].ShouldNotBeNullOrEmpty();
        query["post_logout_redirect_uri"].ShouldBe(OidcProviderFixture.PortalSignedOut);
        browser.SignedIn.ShouldBeFalse();
        using (var me = await browser.Portal.GetAsync("/me"))
        {
            me.RedirectPath()!.ShouldStartWith("/account/sign-in");
        }

        // At the provider: confirm, and come back to the portal's sign-in page.
        using var confirmPage = await browser.GetAsync(endSession);
        var html = await confirmPage.Content.ReadAsStringAsync(Ct);
        var action = System.Text.RegularExpressions.Regex.Match(html, "action=\"(?<a>[^\"]+)\"").Groups["a"].Value;
        var xsrf = System.Text.RegularExpressions.Regex.Match(html, "name=\"xsrf\" value=\"(?<v>[^\"]+)\"").Groups["v"].Value;
        using var confirmed = await browser.PostAsync(new Uri(endSession, action), new Dictionary<string, string> { ["xsrf"] = xsrf, ["logout"] = "yes" });
        ProviderBrowser.IsRedirect(confirmed).ShouldBeTrue();
        confirmed.Headers.Location!.ToString().ShouldStartWith(OidcProviderFixture.PortalSignedOut);
        (await Provider.SessionsEndedAsync()).ShouldBe(endedBefore + 1);
    }

    [Fact]
    public async Task SignInAgain_AfterAnOrganisationSignIn_GoesBackThroughTheProvider_WhichMustAskAgain()
    {
        await using var portal = await StartPortalAsync();
        var (login, _) = await AddUserAsync(roles: ["VpnPortal.User"]);
        using var browser = new ProviderBrowser(portal);
        using (var signedIn = await browser.SignInAsync(login))
        {
            browser.SignedIn.ShouldBeTrue();
        }

        // The session's antiforgery token, which every form of the person's pages carries.
        using var mePage = await browser.Portal.GetAsync("/me");
        var token = HtmlForm.FindByAction(await mePage.BodyAsync(), "account/sign-out", "/me").Fields[HtmlForm.AntiforgeryField];

        using var again = await browser.Portal.PostFormAsync(
            "/account/reauthenticate", new Dictionary<string, string> { [HtmlForm.AntiforgeryField] = token, ["returnUrl"] = "/me/api-keys" });

        again.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Target(again).ShouldBe("/account/sign-in/oidc?returnUrl=%2Fme%2Fapi-keys&reauthenticate=true", "not the password page: this session began at the provider");
        browser.SignedIn.ShouldBeFalse();
        using var start = await browser.Portal.GetAsync(Target(again));
        var authorize = start.Headers.Location.ShouldNotBeNull();
        authorize.GetLeftPart(UriPartial.Path).ShouldStartWith(Provider.IssuerText);
        System.Web.HttpUtility.ParseQueryString(authorize.Query)["prompt"].ShouldBe("login", "the provider must ask the person again, not answer from its own session");
    }

    /// <summary>Where a redirect points, query included.</summary>
    private static string Target(HttpResponseMessage response) => response.Headers.Location.ShouldNotBeNull().OriginalString;

    private async Task<PortalFactory> StartPortalAsync(Dictionary<string, string>? extra = null, string provider = TestDatabase.Sqlite)
    {
        var settings = Provider.PortalSettings();
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return await PortalFactory.StartAsync(provider, settings: settings);
    }

    private async Task<(string Login, string Email)> AddUserAsync(string[]? roles = null, string[]? groups = null, string? email = "", bool emailVerified = true, string? upn = null)
    {
        var login = $"u{Guid.NewGuid():N}"[..12];
        var address = email == "" ? $"{login}@corp.example" : email;
        await Provider.AddUserAsync(login, Claims(login, address, roles, groups, emailVerified, upn ?? address));
        return (login, address ?? upn!);
    }

    private static Dictionary<string, object?> Claims(string login, string? email, string[]? roles = null, string[]? groups = null, bool emailVerified = true, string? upn = null) => new()
    {
        ["name"] = $"Person {login}",
        ["email"] = email,
        ["email_verified"] = emailVerified,
        ["preferred_username"] = upn ?? email,
        ["roles"] = roles ?? [],
        ["groups"] = groups ?? [],
    };

    /// <summary>What an Entra ID id_token says of a person: their object id in their tenant besides the per-app sub.</summary>
    private static Dictionary<string, object?> EntraClaims(string login, string email, string tenant, string objectId, string[]? roles = null)
    {
        var claims = Claims(login, email, roles ?? ["VpnPortal.User"]);
        claims["tid"] = tenant;
        claims["oid"] = objectId;
        return claims;
    }

    private static async Task SignInAsync(PortalFactory portal, string login)
    {
        using var browser = new ProviderBrowser(portal);
        using var callback = await browser.SignInAsync(login);
        callback.RedirectPath().ShouldBe("/", $"{login} should be signed in");
    }

    private static async Task<List<string>> RolesOfAsync(PortalFactory portal, string email)
    {
        await using var db = portal.Database.CreateContext();
        var normalized = email.ToUpperInvariant();
        return await db.Users.Where(u => u.NormalizedEmail == normalized)
            .SelectMany(u => db.UserRoles.Where(ur => ur.UserId == u.Id))
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
            .OrderBy(n => n)
            .ToListAsync(Ct);
    }

    private static async Task<string> SubjectOfAsync(PortalFactory portal, string email)
    {
        await using var db = portal.Database.CreateContext();
        var normalized = email.ToUpperInvariant();
        return await db.UserLogins.Where(l => db.Users.Any(u => u.Id == l.UserId && u.NormalizedEmail == normalized)).Select(l => l.ProviderKey).SingleAsync(Ct);
    }
}
