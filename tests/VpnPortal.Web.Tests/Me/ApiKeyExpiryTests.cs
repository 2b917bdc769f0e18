using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Me;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Security.SessionChanges;

namespace VpnPortal.Web.Tests.Me;

/// <summary>
/// API keys expire after the lifetime chosen when they are made (at most Security:ApiKeys:MaxLifetime), show when they
/// were last used, are made by a person only after a recent sign-in, and can be revoked with "sign out everywhere".
/// </summary>
public sealed class ApiKeyExpiryTests
{
    private const string ServersApi = "/api/v1/servers";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AKey_WorksUntilItExpires_NinetyDaysByDefault_ThenIsRefused(string provider)
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(provider, time);
        var user = await portal.CreateUserAsync(Roles.OnCall);
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(user));
        (await KeyAsync(portal, user.Id)).ExpiresAt.ShouldBe(time.GetUtcNow() + TimeSpan.FromDays(90));

        time.Advance(TimeSpan.FromDays(90) - TimeSpan.FromMinutes(1));
        (await api.GetAsync(ServersApi, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK, "a minute before it expires");

        time.Advance(TimeSpan.FromMinutes(1));
        using var expired = await api.GetAsync(ServersApi, Ct);
        expired.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        expired.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
    }

    [Fact]
    public async Task TheLifetime_IsChosen_UpToTheConfiguredMaximum()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(time: time, settings: new Dictionary<string, string> { ["Security:ApiKeys:MaxLifetime"] = "180.00:00:00" });
        var user = await portal.CreateUserAsync(Roles.OnCall);
        var before = await portal.CountRowsWhenSettledAsync();

        var tooLong = await CreateAsync(portal, user, "too long", TimeSpan.FromDays(181));
        var none = await CreateAsync(portal, user, "none", TimeSpan.Zero);

        tooLong.Error.ShouldBe("A key may live from 1 to 180 days.");
        none.Error.ShouldBe("A key may live from 1 to 180 days.");
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused lifetime writes nothing");
        (await CreateAsync(portal, user, "month", TimeSpan.FromDays(30))).Value!.Row.ExpiresAt.ShouldBe(time.GetUtcNow() + TimeSpan.FromDays(30));
        (await CreateAsync(portal, user, "longest", TimeSpan.FromDays(180))).Value!.Row.ExpiresAt.ShouldBe(time.GetUtcNow() + TimeSpan.FromDays(180));
    }

    [Fact]
    public async Task CreatingOnesOwnKey_NeedsASignInWithinFiveMinutes_AndOtherwiseWritesNothing()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var user = await portal.CreateUserAsync(Roles.OnCall);
        var before = await portal.CountRowsWhenSettledAsync();

        var stale = await portal.InScopeAsync(sp => sp.GetRequiredService<ApiKeys>().CreateOwnAsync(user.Id, time.GetUtcNow() - TimeSpan.FromMinutes(6), "monitoring", null, Ct));
        var never = await portal.InScopeAsync(sp => sp.GetRequiredService<ApiKeys>().CreateOwnAsync(user.Id, null, "monitoring", null, Ct));

        stale.Error.ShouldBe(ApiKeys.ReauthenticateMessage);
        never.Error.ShouldBe(ApiKeys.ReauthenticateMessage, "a principal without a sign-in (an API key's) is never recent");
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused key writes nothing");
        var recent = await portal.InScopeAsync(sp => sp.GetRequiredService<ApiKeys>().CreateOwnAsync(user.Id, time.GetUtcNow() - TimeSpan.FromMinutes(4), "monitoring", null, Ct));
        recent.Value?.Key.ShouldNotBeNull(recent.Error);
    }

    [Fact]
    public async Task TheKeysPage_ShowsExpiryAndLastUse_AndAsksForASignInAfterFiveMinutes()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var user = await portal.CreateUserAsync(Roles.OnCall);
        using var browser = await portal.SignInAsync(user);
        using (var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(user)))
        {
            (await api.GetAsync(ServersApi, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var fresh = await (await browser.GetAsync("/me/api-keys")).BodyAsync();
        fresh.ShouldNotContain("id=\"reauthenticate\"");
        fresh.ShouldContain("<th>Expires</th>");
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(fresh);
        document.QuerySelector("td.key-expires")!.TextContent.Trim().ShouldBe((time.GetUtcNow() + TimeSpan.FromDays(90)).ToString("yyyy-MM-dd HH:mm") + " UTC");
        document.QuerySelector("td.key-last-used")!.TextContent.Trim().ShouldBe(time.GetUtcNow().ToString("yyyy-MM-dd HH:mm") + " UTC", "the API call above was recorded");

        time.Advance(TimeSpan.FromMinutes(6));
        var later = await (await browser.GetAsync("/me/api-keys")).BodyAsync();
        later.ShouldContain("id=\"reauthenticate\"");
        later.ShouldContain("creating an API key needs a sign-in in the last 5 minutes");
    }

    [Fact]
    public async Task LastUse_IsWrittenAtMostOnceAMinute()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var user = await portal.CreateUserAsync(Roles.OnCall);
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(user));
        var first = time.GetUtcNow();

        (await api.GetAsync(ServersApi, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await KeyAsync(portal, user.Id)).LastUsedAt.ShouldBe(first);

        time.Advance(TimeSpan.FromSeconds(30));
        (await api.GetAsync(ServersApi, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await KeyAsync(portal, user.Id)).LastUsedAt.ShouldBe(first, "within a minute nothing is written");

        time.Advance(TimeSpan.FromSeconds(31));
        (await api.GetAsync(ServersApi, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await KeyAsync(portal, user.Id)).LastUsedAt.ShouldBe(time.GetUtcNow());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task SignOutEverywhere_RevokesTheKeys_OnlyWhenChosen_AndSaysSoInTheAuditLog(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var user = await portal.CreateUserAsync(Roles.OnCall);
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(user));

        await SignOutEverywhereAsync(portal, user.Id, revokeApiKeys: false);
        (await api.GetAsync(ServersApi, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK, "kept unless chosen");

        await SignOutEverywhereAsync(portal, user.Id, revokeApiKeys: true);
        (await api.GetAsync(ServersApi, Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await KeyAsync(portal, user.Id)).RevokedAt.ShouldNotBeNull();
        await using var db = portal.Database.CreateContext();
        var entries = await db.AuditEntries.AsNoTracking().Where(a => a.EntityId == user.Id.ToString() || a.EntityType == "api-key").OrderBy(a => a.Id).ToListAsync(Ct);
        entries.Where(a => a.Action == "user.signed-out-everywhere").Select(a => a.Summary).ShouldBe([
            $"Signed {user.Email} out of every browser session",
            $"Signed {user.Email} out of every browser session and revoked 1 active API key",
        ]);
        entries.ShouldContain(a => a.EntityType == "api-key" && a.Action.EndsWith("updated") && a.AfterJson!.Contains("RevokedAt"), "the key's revocation is audited as a change of the key");
    }

    [Fact]
    public async Task ADefaultLongerThanTheMaximum_StopsTheStart_SayingWhich()
    {
        var failure = await Should.ThrowAsync<Exception>(() => PortalFactory.StartAsync(settings: new Dictionary<string, string>
        {
            ["Security:ApiKeys:DefaultLifetime"] = "400.00:00:00",
        }));

        failure.ToString().ShouldContain("Security:ApiKeys:DefaultLifetime (400 days) must not be longer than Security:ApiKeys:MaxLifetime (365 days)");
    }

    private static Task<CommandResult<ApiKeys.Created>> CreateAsync(PortalFactory portal, TestUser user, string name, TimeSpan lifetime) =>
        portal.InScopeAsync(sp => sp.GetRequiredService<ApiKeys>().CreateAsync(user.Id, name, lifetime, Ct));

    private static async Task<Data.Entities.ApiKey> KeyAsync(PortalFactory portal, Guid userId)
    {
        await using var db = portal.Database.CreateContext();
        return await db.ApiKeys.AsNoTracking().SingleAsync(k => k.UserId == userId, Ct);
    }
}
