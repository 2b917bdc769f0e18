using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Account.Oidc;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Account;

/// <summary>
/// The cookies a sign-in sets, as a deployed (Production, HTTPS) portal sends them: Secure by default, HttpOnly,
/// SameSite=Lax, for the whole site, and a session that slides while it is used and ends when it is not.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class SignInCookieTests(OidcProviderFixture fixture) : IClassFixture<OidcProviderFixture>
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    [Fact]
    public async Task PasswordSignIn_InProduction_SetsASecureHttpOnlyLaxSiteWideCookie()
    {
        await using var portal = await StartAsync();
        var user = await portal.CreateUserAsync(Roles.Admin);
        using var browser = OverHttps(portal);

        using var response = await browser.SignInAsync(user.Email, user.Password);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        ShouldBeLockedDown(AuthCookies(response));
        // Secure also when the request came in as plain http (TLS ended at a proxy): Always, not SameAsRequest.
        portal.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme)
            .Cookie.SecurePolicy.ShouldBe(CookieSecurePolicy.Always);
    }

    [Fact]
    public async Task OrganisationSignIn_InProduction_SetsSecureHttpOnlyCorrelationAndSignInCookies()
    {
        await using var portal = await StartAsync(fixture.Provider.PortalSettings());
        var login = $"c{Guid.NewGuid():N}"[..12];
        await fixture.Provider.AddUserAsync(login, new Dictionary<string, object>
        {
            ["email"] = $"{login}@corp.example",
            ["email_verified"] = true,
            ["roles"] = new[] { "VpnPortal.OnCall" },
        });
        using (var plain = portal.CreateBrowser())
        {
            // Even started over plain http (TLS ended at a proxy), the correlation cookie only travels over HTTPS.
            using var overHttp = await plain.GetAsync("/account/sign-in/oidc");
            var correlation = SetCookies(overHttp).Where(c => c.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal)).ToList();
            var attributes = Attributes(correlation.ShouldHaveSingleItem());
            attributes.ShouldContain("secure");
            attributes.ShouldContain("httponly");
            attributes.ShouldContain("samesite=lax", "the provider sends the browser back with a top-level GET");
        }

        using var browser = new ProviderBrowser(portal, OidcProviderFixture.PortalOverHttps);
        using var challenge = await browser.Portal.GetAsync("/account/sign-in/oidc");
        using var callback = await browser.FollowToPortalAsync(challenge, login);

        callback.RedirectPath().ShouldBe("/");
        ShouldBeLockedDown(AuthCookies(callback));
        browser.SignedIn.ShouldBeTrue("over HTTPS the Secure cookies come back");
    }

    [Fact]
    public async Task Session_UsedWithinItsLifetime_SlidesOn_AndEndsWhenLeftAlone()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await StartAsync(time: time);
        var user = await portal.CreateUserAsync(Roles.User);
        using var browser = OverHttps(portal);
        using (var signedIn = await browser.SignInAsync(user.Email, user.Password))
        {
            signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        // Past half the lifetime: the cookie is issued again with a new expiry.
        time.Advance(Lifetime * 0.6);
        using (var used = await browser.GetAsync("/me"))
        {
            used.StatusCode.ShouldBe(HttpStatusCode.OK);
            ShouldBeLockedDown(AuthCookies(used));
        }

        // Later than the first cookie's expiry, but within the renewed one's.
        time.Advance(Lifetime * 0.6);
        using (var stillIn = await browser.GetAsync("/me"))
        {
            stillIn.StatusCode.ShouldBe(HttpStatusCode.OK, "a session in use does not end at its first expiry");
        }

        time.Advance(Lifetime + TimeSpan.FromMinutes(1));
        using var idle = await browser.GetAsync("/me");
        idle.StatusCode.ShouldBe(HttpStatusCode.Redirect, "a session left alone for its whole lifetime has ended");
        idle.RedirectPath().ShouldBe(PortalBrowser.SignInPath);
    }

    private static void ShouldBeLockedDown(IReadOnlyList<string> cookies)
    {
        cookies.ShouldNotBeEmpty("the response should (re-)issue the sign-in cookie");
        foreach (var cookie in cookies)
        {
            var attributes = Attributes(cookie);
            attributes.ShouldContain("secure", $"{cookie[..cookie.IndexOf('=')]} must only travel over HTTPS");
            attributes.ShouldContain("httponly");
            attributes.ShouldContain("samesite=lax");
            attributes.ShouldContain("path=/");
        }
    }

    /// <summary>The sign-in cookie's Set-Cookie headers (several when it is chunked), not the ones deleting it.</summary>
    private static List<string> AuthCookies(HttpResponseMessage response) =>
        SetCookies(response).Where(c => c.StartsWith(PortalBrowser.AuthCookie, StringComparison.Ordinal) && !c.Contains("=;", StringComparison.Ordinal)).ToList();

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    private static List<string> Attributes(string setCookie) =>
        setCookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();

    /// <summary>A browser on https://localhost, where Secure cookies come back as they do on the deployed portal.</summary>
    private static PortalBrowser OverHttps(PortalFactory portal)
    {
        var cookies = new CookieContainer();
        return new PortalBrowser(portal.CreateDefaultClient(OidcProviderFixture.PortalOverHttps, new CookieContainerHandler(cookies)), cookies);
    }

    /// <summary>The portal with its cookie rule as shipped: nothing configured, so Secure outside Development.</summary>
    private static Task<PortalFactory> StartAsync(Dictionary<string, string>? settings = null, FakeTimeProvider? time = null) =>
        PortalFactory.StartAsync(time: time, settings: settings, services: s => s.Configure<CookieSettings>(c => c.SecurePolicy = null));
}
