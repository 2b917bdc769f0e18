using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Security;

/// <summary>
/// Rate limits over HTTP: the attempt after the limit gets 429 with Retry-After, another address or account goes on,
/// and the window opens again on the portal's clock (a fake one here, moved by hand). Each request names the TCP peer it
/// comes from (<see cref="TestPeer"/>); behind the trusted proxy the forwarded address is what counts.
/// </summary>
public sealed class AttemptLimitsTests
{
    private const string Proxy = "10.1.2.3";
    private const string Attacker = "203.0.113.7";
    private const string Colleague = "198.51.100.9";
    private const string WrongPassword = "not the password at all";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_PerForwardedAddress_TheFourthAttemptGets429_AnotherAddressDoesNot_AndTheWindowReopens()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await StartAsync(time, new()
        {
            ["ForwardedHeaders:KnownProxies:0"] = Proxy,
            ["Security:RateLimits:SignIn:PerAddress"] = "3",
            ["Security:RateLimits:SignIn:Window"] = "00:05:00",
        });
        var user = await portal.CreateUserAsync(Roles.OnCall);
        using var attacker = Browser(portal, Proxy, forwardedFor: Attacker);
        for (var i = 0; i < 3; i++)
        {
            using var refused = await attacker.SignInAsync(user.Email, WrongPassword);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        using (var limited = await attacker.SignInAsync(user.Email, user.Password))
        {
            limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, "even with the right password: the limit comes first");
            limited.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromMinutes(4), "the window opened with the first attempt, a minute ago");
            (await limited.BodyAsync()).ShouldContain("Too many attempts");
        }

        using (var colleague = Browser(portal, Proxy, forwardedFor: Colleague))
        using (var signedIn = await colleague.SignInAsync(user.Email, user.Password))
        {
            signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, "another address behind the same proxy has its own count");
        }

        time.Advance(TimeSpan.FromMinutes(4));
        using var reopened = await attacker.SignInAsync(user.Email, user.Password);
        reopened.StatusCode.ShouldBe(HttpStatusCode.Redirect, "a new window");
    }

    [Fact]
    public async Task SignIn_PerAccount_FromManyAddresses_TheFourthAttemptGets429_AnotherAccountDoesNot_AndTheWindowReopens()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await StartAsync(time, new()
        {
            ["Security:RateLimits:SignIn:PerAccount"] = "3",
            ["Security:RateLimits:SignIn:Window"] = "00:05:00",
        });
        var target = await portal.CreateUserAsync(Roles.Admin);
        var other = await portal.CreateUserAsync(Roles.OnCall);
        for (var i = 0; i < 3; i++)
        {
            using var browser = Browser(portal, $"203.0.113.{10 + i}");
            using var refused = await browser.SignInAsync(target.Email, WrongPassword);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        using var fourth = Browser(portal, "203.0.113.99");
        using (var limited = await fourth.SignInAsync(target.Email.ToUpperInvariant(), target.Password))
        {
            limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, "counted by the account, however the e-mail is written");
            limited.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromMinutes(5));
            (await limited.BodyAsync()).ShouldContain("Too many attempts");
        }

        using (var signedIn = await fourth.SignInAsync(other.Email, other.Password))
        {
            signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, "another account from the same address goes on");
        }

        time.Advance(TimeSpan.FromMinutes(5));
        using var again = Browser(portal, "203.0.113.99");
        using var reopened = await again.SignInAsync(target.Email, target.Password);
        reopened.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task SecondFactor_PerAccount_TheThirdCodeGets429_AndTheWindowReopens()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await StartAsync(time, new()
        {
            ["Security:RateLimits:SecondFactor:PerAccount"] = "2",
            ["Security:RateLimits:SecondFactor:Window"] = "00:01:00",
        });
        var user = await portal.CreateUserAsync(Roles.Admin);
        var (_, recoveryCodes) = await portal.TurnOnAuthenticatorAsync(user);
        using var browser = Browser(portal, Attacker);
        (await browser.SignInAsync(user.Email, user.Password)).RedirectPath().ShouldBe("/account/sign-in-2fa");

        for (var i = 0; i < 2; i++)
        {
            using var wrong = await SubmitCodeAsync(browser, $"WRONG{i}XYZ");
            wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        using (var limited = await SubmitCodeAsync(browser, recoveryCodes[0]))
        {
            limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, "even the right code waits for the window");
            limited.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromMinutes(1));
            (await limited.BodyAsync()).ShouldContain("Too many attempts");
        }

        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
        time.Advance(TimeSpan.FromMinutes(1));
        using var reopened = await SubmitCodeAsync(browser, recoveryCodes[0]);
        reopened.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeTrue();
    }

    [Fact]
    public async Task Enrollment_PerAddress_TheThirdAttemptGets429AsAnAgentProblem_AnotherAddressDoesNot_AndTheWindowReopens()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await StartAsync(time, new()
        {
            ["Security:RateLimits:Enrollment:PerAddress"] = "2",
            ["Security:RateLimits:Enrollment:Window"] = "00:05:00",
        });
        var token = await portal.CreateTokenAsync(ServerRole.Rras);
        using var attacker = Agent(portal, Attacker);
        for (var i = 0; i < 2; i++)
        {
            using var guess = await EnrollAsync(attacker, "not-a-token-at-all-" + i);
            guess.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using (var limited = await EnrollAsync(attacker, token))
        {
            limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            limited.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromMinutes(5));
            (await limited.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!.Error.ShouldBe("too-many-attempts");
        }

        using (var server = Agent(portal, Colleague))
        using (var enrolled = await EnrollAsync(server, token))
        {
            enrolled.StatusCode.ShouldBe(HttpStatusCode.OK, "the real server's address has its own count; the token was not used up by the refused attempt");
        }

        time.Advance(TimeSpan.FromMinutes(5));
        using var reopened = await EnrollAsync(attacker, "not-a-token-at-all-again");
        reopened.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "a new window: answered, not limited");
    }

    [Fact]
    public async Task ShowingTheSignInForm_IsNoAttempt()
    {
        await using var portal = await StartAsync(new FakeTimeProvider(TestClock.Start), new() { ["Security:RateLimits:SignIn:PerAddress"] = "1" });
        using var browser = Browser(portal, Attacker);
        for (var i = 0; i < 3; i++)
        {
            using var page = await browser.GetAsync(PortalBrowser.SignInPath);
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var first = await browser.SignInAsync("nobody@corp.example", WrongPassword);
        first.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "the first posted attempt is within the limit");
    }

    [Theory]
    [InlineData("Security:RateLimits:SignIn:PerAddress", "0", "Security:RateLimits:SignIn:PerAddress")]
    [InlineData("Security:RateLimits:MfaCodes:Window", "00:00:00", "Security:RateLimits:MfaCodes:Window")]
    [InlineData("Security:RateLimits:SecondFactor:PerAccount", "-1", "Security:RateLimits:SecondFactor:PerAccount")]
    public async Task ALimitOutOfRange_StopsTheStart_SayingWhich(string key, string value, string named)
    {
        var failure = await Should.ThrowAsync<Exception>(() => StartAsync(new FakeTimeProvider(TestClock.Start), new() { [key] = value }));

        failure.Messages().ShouldContain(m => m.Contains(named));
    }

    private static Task<PortalFactory> StartAsync(FakeTimeProvider time, Dictionary<string, string> settings) =>
        PortalFactory.StartAsync(time: time, settings: settings, services: s => s.AddSingleton<IStartupFilter, TestPeer>());

    private static PortalBrowser Browser(PortalFactory portal, string peer, string? forwardedFor = null)
    {
        var browser = portal.CreateBrowser();
        browser.Client.DefaultRequestHeaders.Add(TestPeer.Header, peer);
        if (forwardedFor is not null)
        {
            browser.Client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        return browser;
    }

    private static HttpClient Agent(PortalFactory portal, string peer)
    {
        var client = portal.CreateApiClient(null);
        client.DefaultRequestHeaders.Add(TestPeer.Header, peer);
        return client;
    }

    private static Task<HttpResponseMessage> EnrollAsync(HttpClient client, string token) =>
        client.PostAsJsonAsync(
            AgentRoutes.Enroll,
            new EnrollRequest { Token = token, MachineName = "VPN01", HostFqdn = "vpn01.corp.example", AgentVersion = "1.0.0-test", OsVersion = "Windows Server 2022" },
            AgentJson.Options,
            Ct);

    private static async Task<HttpResponseMessage> SubmitCodeAsync(PortalBrowser browser, string recoveryCode)
    {
        var form = await browser.GetFormAsync("/account/sign-in-2fa", "sign-in-2fa");
        return await browser.SubmitAsync(form, new Dictionary<string, string> { ["Input.Code"] = recoveryCode, ["Input.UseRecoveryCode"] = "true" });
    }
}
