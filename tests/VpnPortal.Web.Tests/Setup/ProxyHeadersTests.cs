using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Setup;

/// <summary>
/// A portal behind a proxy that ends TLS: the forwarded client address and scheme are believed from a trusted proxy
/// only. The test server has no TCP peer, so each request names the peer it comes from (<see cref="TestPeer"/>).
/// </summary>
public sealed class ProxyHeadersTests
{
    private const string Proxy = "10.1.2.3";
    private const string Client = "203.0.113.7";

    [Fact]
    public async Task FromATrustedProxy_TheForwardedAddressIsAudited_AndTheSchemeIsHttps()
    {
        await using var portal = await StartAsync(new() { ["ForwardedHeaders:KnownProxies:0"] = Proxy });
        var user = await portal.CreateUserAsync(Roles.OnCall);

        using var response = await SignInThroughAsync(portal, Proxy, user);

        (await SignInAddressAsync(portal)).ShouldBe(Client);
        AuthCookie(response).ShouldContain("secure", Case.Insensitive, "the cookie policy sees the https the proxy received");
    }

    [Fact]
    public async Task FromAnyOtherPeer_TheHeadersAreIgnored()
    {
        await using var portal = await StartAsync(new() { ["ForwardedHeaders:KnownNetworks:0"] = "10.1.2.0/24" });
        var user = await portal.CreateUserAsync(Roles.OnCall);

        using var response = await SignInThroughAsync(portal, "10.9.9.9", user);

        (await SignInAddressAsync(portal)).ShouldBe("10.9.9.9", "anyone can send X-Forwarded-For");
        AuthCookie(response).ShouldNotContain("secure", Case.Insensitive);
    }

    [Fact]
    public async Task WithNoProxyConfigured_TheHeadersAreIgnored()
    {
        await using var portal = await StartAsync([]);
        var user = await portal.CreateUserAsync(Roles.OnCall);

        using var response = await SignInThroughAsync(portal, Proxy, user);

        (await SignInAddressAsync(portal)).ShouldBe(Proxy);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "proxy.corp.example", "is not an IP address")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33", "is not a network in CIDR form")]
    public async Task AnEntryThatIsNotAnAddress_StopsTheStart_SayingWhich(string key, string value, string expected)
    {
        var failure = await Should.ThrowAsync<Exception>(() => StartAsync(new() { [key] = value }));

        failure.Messages().ShouldContain(m => m.Contains(value) && m.Contains(expected));
    }

    private static Task<PortalFactory> StartAsync(Dictionary<string, string> settings) =>
        PortalFactory.StartAsync(settings: settings, services: s => s.AddSingleton<IStartupFilter, TestPeer>());

    private static async Task<HttpResponseMessage> SignInThroughAsync(PortalFactory portal, string peer, TestUser user)
    {
        // The person's browser talks https to the proxy, so it keeps and sends Secure cookies; the proxy's hop to the
        // portal is plain http.
        var cookies = new CookieContainer();
        using var browser = new PortalBrowser(portal.CreateDefaultClient(new CookiesOfTheHttpsSite(cookies)), cookies);
        browser.Client.DefaultRequestHeaders.Add(TestPeer.Header, peer);
        browser.Client.DefaultRequestHeaders.Add("X-Forwarded-For", Client);
        browser.Client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var response = await browser.SignInAsync(user.Email, user.Password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return response;
    }

    private static Task<string?> SignInAddressAsync(PortalFactory portal) =>
        portal.InScopeAsync(sp => sp.GetRequiredService<PortalDbContext>().AuditEntries.AsNoTracking()
            .Where(e => e.Action == "account.signed-in").Select(e => e.RemoteAddress).SingleAsync(TestContext.Current.CancellationToken));

    private static string AuthCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(PortalBrowser.AuthCookie + "=", StringComparison.Ordinal));

    /// <summary>A cookie jar for the https address the person uses, in front of the plain-http hop to the portal.</summary>
    private sealed class CookiesOfTheHttpsSite(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var site = new UriBuilder(request.RequestUri!) { Scheme = Uri.UriSchemeHttps, Port = -1 }.Uri;
            var header = cookies.GetCookieHeader(site);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, ct);
            foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                cookies.SetCookies(site, cookie);
            }

            return response;
        }
    }
}
