using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Notifications.NotificationSeed;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>
/// Where the portal will send a notification, on a portal with its real target policy: loopback (and the like) refused at
/// send time on the address the host resolves to, redirects not followed, refused literals refused when saved too.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class NotificationTargetTests(SharedPortals shared) : IClassFixture<SharedPortals>
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AuditActor As(TestUser user) => new(AuditActorKind.User, user.Id, user.Email);

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AWebhookOnLoopback_IsRefusedAtSendTime_ByAddressAndByName_TheListenerHearsNothing_AndOnlyTheRefusalIsSaved(string provider)
    {
        await using var hook = await WebhookListener.StartAsync();
        await using var portal = await PortalServices.StartAsync(provider, new FakeTimeProvider(Start), NoJobs);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetPreferenceAsync(portal, ana.Id, email: false, inPortal: false);
        var port = new Uri(hook.BaseUrl).Port;
        // Written as a saved channel would be: a name that resolved elsewhere when it was saved, a literal from before the check.
        await AddWebhookAsync(portal, "By name", WebhookFormat.Generic, $"http://localhost:{port}/by-name/SECRET-PATH");
        await AddWebhookAsync(portal, "By address", WebhookFormat.Generic, $"http://127.0.0.1:{port}/by-address");
        await EnqueueAsync(portal, new Notification("alert:1:threshold:14", null, ana.Id, Content()));
        var before = await portal.CountRowsWhenSettledAsync();

        (await DeliverAsync(portal)).ShouldBe(2);

        hook.Requests.ShouldBeEmpty();
        await using var db = portal.Database.CreateContext();
        var messages = await db.NotificationOutbox.AsNoTracking().Include(m => m.AttemptLog).ToListAsync(Ct);
        messages.ShouldAllBe(m => m.State == OutboxState.Failed && m.AttemptLog.Count == 1 && !m.AttemptLog[0].Succeeded);
        messages.Select(m => m.LastError).ShouldBe(
        [
            "Not sent: localhost resolves to 127.0.0.1, a loopback address (the portal's own machine).",
            "Not sent: 127.0.0.1 is a loopback address (the portal's own machine).",
        ], ignoreOrder: true);
        messages.ShouldAllBe(m => !m.LastError!.Contains("SECRET-PATH"));
        (await portal.CountRowsAsync()).ShouldEqual(before.With("NotificationDeliveryAttempts", 2), "a refused send writes its attempt and nothing else");
    }

    [Fact]
    public async Task TheMailRelayOnLoopback_IsRefusedAtSendTime_AndTheServerHearsNothing()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetSmtpAsync(portal, "localhost", smtp.Port);
        await SetPreferenceAsync(portal, ana.Id, inPortal: false);
        await EnqueueAsync(portal, new Notification("alert:2:threshold:14", null, ana.Id, Content()));

        await DeliverAsync(portal);

        smtp.Received().ShouldBeEmpty();
        smtp.Refused().ShouldBeEmpty();
        await using var db = portal.Database.CreateContext();
        var message = await db.NotificationOutbox.SingleAsync(Ct);
        message.State.ShouldBe(OutboxState.Failed);
        message.LastError.ShouldNotBeNull().ShouldContain("localhost resolves to");
        message.LastError.ShouldContain("a loopback address");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task SendTest_ToALoopbackWebhookOrRelay_IsRefused_AndOnlyTheTestsAuditIsSaved(string provider)
    {
        await using var hook = await WebhookListener.StartAsync();
        await using var smtp = await SmtpSink.StartAsync();
        await using var portal = await PortalServices.StartAsync(provider, settings: NoJobs);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var id = await AddWebhookAsync(portal, "Teams", WebhookFormat.Teams, $"http://localhost:{new Uri(hook.BaseUrl).Port}/teams");
        await SetSmtpAsync(portal, "localhost", smtp.Port);
        var before = await portal.CountRowsWhenSettledAsync();

        var webhook = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SendTestWebhookAsync(id, As(admin), Ct), As(admin));
        var mail = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SendTestEmailAsync("ana@corp.example", As(admin), Ct), As(admin));

        webhook.Succeeded.ShouldBeFalse();
        webhook.Detail.ShouldBe("Not sent: localhost resolves to 127.0.0.1, a loopback address (the portal's own machine).");
        mail.Succeeded.ShouldBeFalse();
        mail.Detail.ShouldContain("a loopback address");
        hook.Requests.ShouldBeEmpty();
        smtp.Received().ShouldBeEmpty();
        (await portal.CountRowsAsync()).ShouldEqual(before.With("AuditEntries", 2), "the refused tests write their audit entries and nothing else");
    }

    [Fact]
    public async Task ARedirect_IsNotFollowed_TheMessageFailsWithTheStatusLine_AndWhereItPointedHearsNothing()
    {
        await using var target = await WebhookListener.StartAsync();
        await using var hook = await WebhookListener.StartAsync();
        hook.Respond = _ => (HttpStatusCode.Found, "moved, see the internal page");
        hook.RedirectTo = target.Url("/latest/meta-data/");
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetPreferenceAsync(portal, ana.Id, email: false, inPortal: false);
        await AddWebhookAsync(portal, "Generic", WebhookFormat.Generic, hook.Url("/hook"));
        await EnqueueAsync(portal, new Notification("alert:3:threshold:14", null, ana.Id, Content()));

        await DeliverAsync(portal);

        hook.Requests.ShouldHaveSingleItem();
        target.Requests.Count.ShouldBe(0, "the redirect is not followed");
        await using var db = portal.Database.CreateContext();
        var message = await db.NotificationOutbox.SingleAsync(Ct);
        message.State.ShouldBe(OutboxState.Failed);
        message.LastError.ShouldBe($"127.0.0.1:{new Uri(hook.BaseUrl).Port} answered HTTP 302 Found");
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address")]
    [InlineData("http://127.0.0.1:8080/hook", "127.0.0.1 is a loopback address")]
    [InlineData("http://[::1]/hook", "[::1] is a loopback address")]
    [InlineData("http://[::ffff:169.254.169.254]/hook", "is a link-local address")]
    [InlineData("https://localhost/hook", "localhost is a loopback address")]
    [InlineData("https://10.20.30.40/hook", "10.20.30.40 is a private-network address (allowed only with Notifications:AllowPrivateNetworkTargets)")]
    [InlineData("https://0.0.0.0/hook", "0.0.0.0 is an unspecified address")]
    public async Task Saving_AWebhookAtARefusedLiteralAddress_IsRefusedSayingWhy_AndWritesNothing(string url, string reason)
    {
        var (portal, admin) = await shared.ForTheoryAsync(async s =>
        {
            var portal = s.Own(await PortalServices.StartAsync(settings: NoJobs));
            return (portal, await portal.CreateUserAsync(Roles.Admin));
        });
        var before = await portal.CountRowsWhenSettledAsync();

        var result = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().AddWebhookAsync("Ops", WebhookFormat.Generic, url, Ct), As(admin));

        result.Errors.Keys.ShouldBe(["Url"]);
        result.Errors["Url"].ShouldContain(reason);
        result.Errors["Url"].ShouldEndWith("the portal does not send notifications there.");
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused webhook writes nothing");
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1 is a loopback address")]
    [InlineData("LOCALHOST", "LOCALHOST is a loopback address")]
    [InlineData("169.254.169.254", "169.254.169.254 is a link-local address")]
    [InlineData("fe80::1", "fe80::1 is a link-local address")]
    [InlineData("192.168.1.25", "192.168.1.25 is a private-network address")]
    public async Task Saving_TheRelayAtARefusedLiteralAddress_IsRefusedSayingWhy_AndWritesNothing(string host, string reason)
    {
        var (portal, admin) = await shared.ForTheoryAsync(async s =>
        {
            var portal = s.Own(await PortalServices.StartAsync(settings: NoJobs));
            return (portal, await portal.CreateUserAsync(Roles.Admin));
        });
        var before = await portal.CountRowsWhenSettledAsync();

        var result = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SaveSmtpAsync(
            new ChannelSettings.SmtpInput(true, host, 25, SmtpSecurity.None, null, null, false, "vpnportal@corp.example", null, null), Ct), As(admin));

        result.Errors.Keys.ShouldBe(["Host"]);
        result.Errors["Host"].ShouldContain(reason);
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused relay writes nothing");
    }

    [Fact]
    public async Task PrivateNetworkTargets_AreSavedWhenAllowed_LoopbackAndMetadataStillNot()
    {
        var settings = new Dictionary<string, string>(NoJobs) { ["Notifications:AllowPrivateNetworkTargets"] = "true" };
        await using var portal = await PortalServices.StartAsync(settings: settings);
        var admin = await portal.CreateUserAsync(Roles.Admin);

        var relay = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SaveSmtpAsync(
            new ChannelSettings.SmtpInput(true, "10.0.0.25", 25, SmtpSecurity.None, null, null, false, "vpnportal@corp.example", null, null), Ct), As(admin));
        var hook = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().AddWebhookAsync("Mattermost", WebhookFormat.Slack, "https://[fd00::25]/hooks/x", Ct), As(admin));
        var metadata = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().AddWebhookAsync("Metadata", WebhookFormat.Generic, "http://169.254.169.254/", Ct), As(admin));

        relay.Succeeded.ShouldBeTrue(string.Join(" ", relay.Messages));
        hook.Succeeded.ShouldBeTrue(string.Join(" ", hook.Messages));
        metadata.Errors["Url"].ShouldContain("link-local");
    }
}
