using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Shouldly;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Web.Tests.Support;

/// <summary>
/// A cookie-keeping client that reaches both the in-memory portal (http://localhost) and the real OpenID Connect
/// provider on loopback, and walks the redirects between them as a browser does, filling in the provider's login form.
/// </summary>
public sealed partial class ProviderBrowser : IDisposable
{
    private readonly HttpClient _client;

    /// <param name="portal">The in-memory portal.</param>
    /// <param name="portalAddress">https://localhost/ to reach the portal over HTTPS (Secure cookies); its own address by default.</param>
    public ProviderBrowser(PortalFactory portal, Uri? portalAddress = null)
    {
        Cookies = new CookieContainer();
        var routes = new RoutingHandler(portal.Server.CreateHandler(), new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        _client = new HttpClient(new CookieContainerHandler(Cookies) { InnerHandler = routes }) { BaseAddress = portalAddress ?? portal.Server.BaseAddress };
        Portal = new PortalBrowser(_client, Cookies);
    }

    public CookieContainer Cookies { get; }

    /// <summary>The same client and cookies, as the portal tests' browser (forms, antiforgery).</summary>
    public PortalBrowser Portal { get; }

    public bool SignedIn => Portal.HasCookie(PortalBrowser.AuthCookie);

    /// <summary>
    /// Starts an organisation sign-in at the portal, signs in at the provider as <paramref name="login"/> and returns the
    /// portal's answer to the provider's redirect back (the callback): a redirect to the page or to the refusal page.
    /// </summary>
    public async Task<HttpResponseMessage> SignInAsync(string login, string returnUrl = "/")
    {
        var response = await _client.GetAsync($"/account/sign-in/oidc?returnUrl={Uri.EscapeDataString(returnUrl)}", Ct);
        return await FollowToPortalAsync(response, login);
    }

    /// <summary>Follows redirects through the provider (logging in as <paramref name="login"/> when asked) until the portal answers.</summary>
    public async Task<HttpResponseMessage> FollowToPortalAsync(HttpResponseMessage response, string? login)
    {
        for (var hops = 0; hops < 20; hops++)
        {
            var uri = response.RequestMessage!.RequestUri!;
            var onPortal = uri.Host == "localhost";
            if (onPortal && hops > 0)
            {
                return response;
            }

            if (IsRedirect(response))
            {
                var next = new Uri(uri, response.Headers.Location!);
                response.Dispose();
                response = await _client.GetAsync(next, Ct);
                continue;
            }

            var html = await response.Content.ReadAsStringAsync(Ct);
            if (!onPortal && LoginForm().Match(html) is { Success: true } form)
            {
                login.ShouldNotBeNull($"the provider asked for a login at {uri}");
                response.Dispose();
                response = await _client.PostAsync(new Uri(uri, form.Groups["action"].Value), new FormUrlEncodedContent(new Dictionary<string, string> { ["login"] = login! }), Ct);
                continue;
            }

            return response;
        }

        throw new InvalidOperationException("More than 20 redirects between the portal and the provider.");
    }

    /// <summary>GETs an absolute URL (at the provider or the portal).</summary>
    public Task<HttpResponseMessage> GetAsync(Uri url) => _client.GetAsync(url, Ct);

    public Task<HttpResponseMessage> PostAsync(Uri url, IReadOnlyDictionary<string, string> fields) =>
        _client.PostAsync(url, new FormUrlEncodedContent(fields), Ct);

    public static bool IsRedirect(HttpResponseMessage response) =>
        (int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is not null;

    public void Dispose() => _client.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]+)\" id=\"login-form\">")]
    private static partial Regex LoginForm();

    /// <summary>Sends requests for the portal's host to the in-memory server, everything else over the network.</summary>
    private sealed class RoutingHandler(HttpMessageHandler portal, HttpMessageHandler network) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _portal = new(portal);
        private readonly HttpMessageInvoker _network = new(network);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri!.Host == "localhost"
                ? _portal.SendAsync(request, cancellationToken)
                : _network.SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _portal.Dispose();
                _network.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>One real provider for a test class; its tests add their own users, so they do not meet.</summary>
public sealed class OidcProviderFixture : IAsyncLifetime
{
    public const string PortalCallback = "http://localhost/signin-oidc";
    public const string PortalSignedOut = "http://localhost/account/sign-in";
    public static readonly Uri PortalOverHttps = new("https://localhost/");

    private OidcTestProvider? _provider;

    public OidcTestProvider Provider
    {
        get
        {
            OidcTestProvider.SkipUnlessNodeInstalled();
            return _provider ?? throw new InvalidOperationException("The test OpenID Connect provider did not start.");
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (OidcTestProvider.NodeInstalled)
        {
            _provider = await OidcTestProvider.StartAsync(
                [PortalCallback, new Uri(PortalOverHttps, "signin-oidc").ToString()],
                [PortalSignedOut, new Uri(PortalOverHttps, "account/sign-in").ToString()],
                CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }
}
