using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Me;
using VpnPortal.Web.Features.MfaMethods;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Notifications.NotificationSeed;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>A notice about one person's account goes to that person alone: never to the team's webhooks.</summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class PersonalNoticeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task APhoneMethodChange_WithATeamWebhookSetUp_IsToldToTheOwnerAlone_AndPostsNothingToTheTeam(string provider)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var gateway = await LoopbackSmsGateway.StartAsync();
        await using var hook = await WebhookListener.StartAsync();
        await using var smtp = await SmtpSink.StartAsync();
        await using var portal = await PortalServices.StartAsync(provider, time, NoJobs.Concat(gateway.Settings).ToDictionary(), ReachListenersOnLoopback);
        var alex = await portal.CreateUserAsync(Roles.OnCall, "alex@corp.example");
        await SetSmtpAsync(portal, "127.0.0.1", smtp.Port);
        // Alex wants no alerts by e-mail: a notice about Alex's own account comes all the same.
        await SetPreferenceAsync(portal, alex.Id, email: false, inPortal: true);
        await AddWebhookAsync(portal, "Ops Teams", WebhookFormat.Teams, hook.Url("/teams"));
        var actor = new AuditActor(AuditActorKind.User, alex.Id, alex.Email);

        var sent = await portal.InScopeAsync(sp => sp.GetRequiredService<SignInMethods>().SendCodeAsync(alex.Id, time.GetUtcNow(), PhoneKind.Mobile, "+44 7400 900123", CodeDelivery.TextMessage, Ct), actor);
        var confirmed = await portal.InScopeAsync(sp => sp.GetRequiredService<SignInMethods>().ConfirmAsync(alex.Id, time.GetUtcNow(), sent.Value!.VerificationId, gateway.LastCodeTo("+447400900123"), Ct), actor);
        confirmed.Succeeded.ShouldBeTrue(confirmed.Error);
        await DeliverAsync(portal);

        hook.Requests.ShouldBeEmpty("a team channel never hears of one person's sign-in methods");
        var mail = smtp.Received().ShouldHaveSingleItem();
        mail.RcptTos.ShouldBe(["alex@corp.example"]);
        mail.Subject.ShouldBe("Your mobile number for sign-in was added");
        await using (var db = portal.Database.CreateContext())
        {
            (await db.NotificationOutbox.Select(m => m.Channel).ToListAsync(Ct)).ShouldBe(["email", "in-portal"], ignoreOrder: true);
            (await db.PortalNotifications.SingleAsync(Ct)).UserId.ShouldBe(alex.Id);
        }

        // The same webhook does hear of the fleet's alerts.
        await EnqueueAsync(portal, new Notification("alert:1:threshold:14", null, alex.Id, Content()));
        await DeliverAsync(portal);
        hook.Requests.ShouldHaveSingleItem().Json["title"]!.GetValue<string>().ShouldBe(Content().Subject);
    }

    [Fact]
    public async Task ANewApiKey_IsToldToItsOwnerAlone_WithItsNameAndExpiry_AndNeverItsSecret()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var hook = await WebhookListener.StartAsync();
        await using var smtp = await SmtpSink.StartAsync();
        await using var portal = await PortalServices.StartAsync(time: time, settings: NoJobs.ToDictionary(), services: ReachListenersOnLoopback);
        var alex = await portal.CreateUserAsync(Roles.OnCall, "alex@corp.example");
        await SetSmtpAsync(portal, "127.0.0.1", smtp.Port);
        await SetPreferenceAsync(portal, alex.Id, email: false, inPortal: true);
        await AddWebhookAsync(portal, "Ops Teams", WebhookFormat.Teams, hook.Url("/teams"));

        // Made by the command line's path, which needs no sign-in: the owner hears of it all the same.
        var created = await portal.InScopeAsync(sp => sp.GetRequiredService<ApiKeys>().CreateAsync(alex.Id, "monitoring", TimeSpan.FromDays(30), Ct));
        created.Error.ShouldBeNull();
        await DeliverAsync(portal);

        hook.Requests.ShouldBeEmpty("a team channel never hears of one person's keys");
        var mail = smtp.Received().ShouldHaveSingleItem();
        mail.RcptTos.ShouldBe(["alex@corp.example"]);
        mail.Subject.ShouldBe("A new API key was created for your account");
        mail.Text.ShouldNotBeNull().ShouldContain("\"monitoring\"");
        mail.Text.ShouldContain("in 30 days");
        mail.Text.ShouldNotContain(created.Value!.Key);
        await using var db = portal.Database.CreateContext();
        (await db.PortalNotifications.SingleAsync(Ct)).UserId.ShouldBe(alex.Id);
    }
}
