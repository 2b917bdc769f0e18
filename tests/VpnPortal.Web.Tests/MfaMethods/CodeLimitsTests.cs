using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.MfaMethods;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.MfaMethods;

/// <summary>
/// The limits on verification codes: the per-user and per-number hourly limits hold when requests arrive together (on
/// each database), and asking for and entering codes is rate limited per account and per address. These actions run on
/// an open page (a Blazor circuit), not as requests of their own, so they are tested on the handler the page calls.
/// </summary>
public sealed class CodeLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task TwentyRequestsAtOnce_FromOneUser_SendExactlyTheUsersLimit(string provider)
    {
        await using var gateway = await LoopbackSmsGateway.StartAsync();
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await StartAsync(provider, time, gateway, new()
        {
            ["Mfa:MaxCodesPerUserPerHour"] = "3",
            ["Mfa:MaxCodesPerNumberPerHour"] = "100",
        });
        var alex = await portal.CreateUserAsync(Data.Roles.User);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => SendAsync(portal, alex, time, $"+44 7400 9001{i:00}"))));

        gateway.Sent.Count.ShouldBe(3, "what the phones received");
        results.Count(r => r.Succeeded).ShouldBe(3);
        results.Where(r => !r.Succeeded).ShouldAllBe(r => r.Error!.Contains("Too many codes") || r.Error!.Contains("at the same moment"));
        (await VerificationsAsync(portal)).ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task TwentyRequestsAtOnce_ToOneNumber_FromTwentyUsers_SendExactlyTheNumbersLimit(string provider)
    {
        await using var gateway = await LoopbackSmsGateway.StartAsync();
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await StartAsync(provider, time, gateway, new()
        {
            ["Mfa:MaxCodesPerUserPerHour"] = "100",
            ["Mfa:MaxCodesPerNumberPerHour"] = "3",
        });
        var users = new List<TestUser>();
        for (var i = 0; i < 20; i++)
        {
            users.Add(await portal.CreateUserAsync(Data.Roles.User));
        }

        var results = await Task.WhenAll(users.Select(u => Task.Run(() => SendAsync(portal, u, time, "+44 7400 900123"))));

        gateway.Sent.Count.ShouldBe(3, "what the phone received");
        results.Count(r => r.Succeeded).ShouldBe(3);
        (await VerificationsAsync(portal)).ShouldBe(3);
    }

    [Fact]
    public async Task CodeAttempts_AreLimitedPerAccountAndPerAddress_AndTheWindowReopens()
    {
        await using var gateway = await LoopbackSmsGateway.StartAsync();
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await StartAsync(TestDatabase.Sqlite, time, gateway, new()
        {
            ["Security:RateLimits:MfaCodes:PerAccount"] = "3",
            ["Security:RateLimits:MfaCodes:PerAddress"] = "5",
            ["Security:RateLimits:MfaCodes:Window"] = "00:15:00",
        });
        var alex = await portal.CreateUserAsync(Data.Roles.User);
        var sam = await portal.CreateUserAsync(Data.Roles.User);
        var kim = await portal.CreateUserAsync(Data.Roles.User);
        const string Office = "203.0.113.7";

        // Alex's three tries are answered (no such code); the fourth is refused by the account's count.
        for (var i = 0; i < 3; i++)
        {
            (await ConfirmAsync(portal, alex, time, Office)).Error!.ShouldContain("not valid any more");
        }

        var limited = await ConfirmAsync(portal, alex, time, Office);
        limited.Error.ShouldBe("Too many attempts. Try again in 15 minutes.");

        // Sam, from the same address: the address has made four tries, so one more is answered and the next refused.
        (await ConfirmAsync(portal, sam, time, Office)).Error!.ShouldContain("not valid any more");
        (await ConfirmAsync(portal, sam, time, Office)).Error!.ShouldStartWith("Too many attempts");

        // Kim, from elsewhere, is not affected; nor is a code request refused for anything but the limit.
        (await ConfirmAsync(portal, kim, time, "198.51.100.9")).Error!.ShouldContain("not valid any more");
        (await SendAsync(portal, alex, time, "+44 7400 900123", Office)).Error!.ShouldStartWith("Too many attempts");
        gateway.Sent.ShouldBeEmpty();

        time.Advance(TimeSpan.FromMinutes(15));
        (await SendAsync(portal, alex, time, "+44 7400 900123", Office)).Succeeded.ShouldBeTrue("a new window");
        gateway.Sent.Count.ShouldBe(1);
    }

    private static Task<PortalFactory> StartAsync(string provider, FakeTimeProvider time, LoopbackSmsGateway gateway, Dictionary<string, string> settings)
    {
        foreach (var (key, value) in gateway.Settings)
        {
            settings[key] = value;
        }

        settings.TryAdd("Security:RateLimits:MfaCodes:PerAccount", "1000");
        return PortalFactory.StartAsync(provider, time, settings);
    }

    private static Task<CommandResult<CodeSent>> SendAsync(PortalFactory portal, TestUser user, FakeTimeProvider time, string number, string? address = null) =>
        portal.InScopeAsync(
            sp => sp.GetRequiredService<SignInMethods>().SendCodeAsync(user.Id, time.GetUtcNow(), PhoneKind.Mobile, number, CodeDelivery.TextMessage, Ct),
            new AuditActor(AuditActorKind.User, user.Id, user.Email, address));

    private static Task<CommandResult<MethodChanged>> ConfirmAsync(PortalFactory portal, TestUser user, FakeTimeProvider time, string address) =>
        portal.InScopeAsync(
            sp => sp.GetRequiredService<SignInMethods>().ConfirmAsync(user.Id, time.GetUtcNow(), Guid.NewGuid(), "123456", Ct),
            new AuditActor(AuditActorKind.User, user.Id, user.Email, address));

    private static Task<int> VerificationsAsync(PortalFactory portal) =>
        portal.InScopeAsync(sp => sp.GetRequiredService<Data.PortalDbContext>().PhoneVerifications.CountAsync(Ct));
}
