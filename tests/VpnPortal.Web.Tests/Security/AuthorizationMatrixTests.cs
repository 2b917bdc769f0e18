using System.Net;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Security;

/// <summary>The people (and the nobody) the matrix is checked for, ranked like <see cref="Audience"/>.</summary>
public enum Caller
{
    Anonymous = 0,
    User = 1,
    OnCall = 2,
    Admin = 3,
}

/// <summary>
/// One portal with a signed-in browser and an API key per role. The matrix only reads, so its tests share it
/// (the portal's own bookkeeping, such as "key last used", is the only thing written).
/// </summary>
public class AuthorizationMatrixFixture : IAsyncLifetime
{
    private readonly Dictionary<Caller, PortalBrowser> _browsers = [];
    private readonly Dictionary<Caller, HttpClient> _apiClients = [];
    private readonly List<IDisposable> _owned = [];

    public PortalFactory Portal { get; private set; } = default!;

    public IReadOnlyDictionary<Caller, PortalBrowser> Browsers => _browsers;

    public IReadOnlyDictionary<Caller, HttpClient> ApiClients => _apiClients;

    /// <summary>The matrix's rules as this portal should answer them.</summary>
    public virtual IReadOnlyList<RouteRule> Rules => AuthorizationMatrix.Rules;

    public virtual async ValueTask InitializeAsync()
    {
        Portal = await StartPortalAsync();
        _browsers[Caller.Anonymous] = Portal.CreateBrowser();
        _apiClients[Caller.Anonymous] = Portal.CreateApiClient(null);
        foreach (var (caller, role) in new[] { (Caller.User, Roles.User), (Caller.OnCall, Roles.OnCall), (Caller.Admin, Roles.Admin) })
        {
            var (user, browser) = await SignInAsync(role);
            _browsers[caller] = browser;
            _apiClients[caller] = Portal.CreateApiClient(await Portal.CreateApiKeyAsync(user));
        }
    }

    protected virtual Task<PortalFactory> StartPortalAsync() => PortalFactory.StartAsync();

    /// <summary>A signed-in browser for someone with <paramref name="role"/>, and their account.</summary>
    protected virtual async Task<(TestUser User, PortalBrowser Browser)> SignInAsync(string role)
    {
        var user = await Portal.CreateUserAsync(role);
        return (user, await Portal.SignInAsync(user));
    }

    /// <summary>Disposed with the fixture (clients a subclass wraps).</summary>
    protected void Own(IDisposable disposable) => _owned.Add(disposable);

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var b in _browsers.Values)
        {
            b.Dispose();
        }

        foreach (var o in _owned)
        {
            o.Dispose();
        }

        foreach (var c in _apiClients.Values)
        {
            c.Dispose();
        }

        await Portal.DisposeAsync();
    }
}

public sealed class AuthorizationMatrixTests(AuthorizationMatrixFixture fixture) : IClassFixture<AuthorizationMatrixFixture>
{
    [Fact]
    public void EveryRoute_IsInTheMatrix()
    {
        var routes = PortalRoutes.All(fixture.Portal.Services);
        var known = AuthorizationMatrix.Rules.Select(r => r.Key).ToHashSet();

        var missing = routes.Where(r => !known.Contains(r.Key)).Select(r => r.Key).ToList();

        missing.ShouldBeEmpty(
            "These routes have no row in the authorisation matrix: add each to AuthorizationMatrix.Rules with its audience " +
            $"(Anonymous, SelfService, Operator, Admin or Agent): {string.Join("; ", missing)}");
        routes.Count.ShouldBeGreaterThan(10, "the portal's endpoint data source should list its pages and API routes");
    }

    [Fact]
    public void EveryMatrixRow_NamesARouteOnce()
    {
        var keys = PortalRoutes.All(fixture.Portal.Services).Select(r => r.Key).ToHashSet();

        var stale = AuthorizationMatrix.Rules.Where(r => !keys.Contains(r.Key)).Select(r => r.Key).ToList();
        var duplicates = AuthorizationMatrix.Rules.GroupBy(r => r.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        stale.ShouldBeEmpty($"These matrix rows name routes the portal no longer maps (renamed? removed?): {string.Join("; ", stale)}");
        duplicates.ShouldBeEmpty($"These routes have more than one matrix row: {string.Join("; ", duplicates)}");
    }

    [Fact]
    public Task EveryRoute_AnswersEachCallerAsTheMatrixSays() => CheckEveryRouteAsync(fixture);

    /// <summary>Probes every route as every caller of <paramref name="fixture"/> and compares with its rules.</summary>
    internal static async Task CheckEveryRouteAsync(AuthorizationMatrixFixture fixture)
    {
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var rule in fixture.Rules)
        {
            var path = rule.SamplePath ?? PortalRoutes.SamplePath(rule.Pattern);
            foreach (var caller in Enum.GetValues<Caller>())
            {
                var client = rule.Kind is RouteKind.Api or RouteKind.Agent ? fixture.ApiClients[caller] : fixture.Browsers[caller].Client;
                using var request = new HttpRequestMessage(new HttpMethod(rule.ProbeMethod), path);
                if (rule.ProbeMethod == "POST")
                {
                    request.Content = new FormUrlEncodedContent([]);
                }

                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                var problem = Judge(rule, caller, response);
                if (problem is not null)
                {
                    failures.Add($"{caller} {rule.ProbeMethod} {path} ({rule.Audience}): {problem}");
                }

                checkedCount++;
            }
        }

        failures.ShouldBeEmpty($"{failures.Count} of {checkedCount} answers differ from the authorisation matrix:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    /// <summary>Null when the response is what the matrix expects for this caller; otherwise what was wrong.</summary>
    private static string? Judge(RouteRule rule, Caller caller, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var target = response.RedirectPath();
        var got = target is null ? $"got {status}" : $"got {status} to {target}";
        bool RedirectsTo(string path) => response.StatusCode == HttpStatusCode.Redirect && target == path;

        if ((int)caller >= (int)rule.Audience)
        {
            if (rule.AllowedRedirect is not null)
            {
                return RedirectsTo(rule.AllowedRedirect) ? null : $"allowed, so expected 302 to {rule.AllowedRedirect}; {got}";
            }

            return status == rule.AllowedStatus ? null : $"allowed, so expected {rule.AllowedStatus}{(rule.Why is null ? "" : $" ({rule.Why})")}; {got}";
        }

        const string signIn = "/account/sign-in";
        var denied = rule.DeniedRedirect ?? "/account/access-denied";
        var ok = (caller, rule.Kind) switch
        {
            (_, RouteKind.Agent) => status == 401,
            (Caller.Anonymous, RouteKind.Page) => RedirectsTo(signIn),
            (Caller.Anonymous, RouteKind.Api) => status == 401,
            (Caller.Anonymous, _) => status == 401 || RedirectsTo(signIn),
            (_, RouteKind.Api) => status == 403,
            _ when rule.DeniedRedirect is not null => RedirectsTo(denied),
            _ => status == 403 || RedirectsTo(denied),
        };
        var expected = (caller, rule.Kind) switch
        {
            (_, RouteKind.Agent) => "401",
            (Caller.Anonymous, RouteKind.Page) => $"302 to {signIn}",
            (Caller.Anonymous, RouteKind.Api) => "401",
            (Caller.Anonymous, _) => $"401 or 302 to {signIn}",
            (_, RouteKind.Api) => "403",
            _ when rule.DeniedRedirect is not null => $"302 to {denied}",
            _ => $"403 or 302 to {denied}",
        };
        return ok ? null : $"refused, so expected {expected}; {got}";
    }
}
