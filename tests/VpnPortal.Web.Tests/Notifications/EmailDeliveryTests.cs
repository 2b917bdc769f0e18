using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Notifications.NotificationSeed;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>E-mail through MailKit to a real SMTP server (Debian's aiosmtpd), asserting on what the server received.</summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class EmailDeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Email_ReachesTheServer_InTheRecipientsTimeZone_AtTheirOverrideAddress_WithAbsoluteLinks()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetSmtpAsync(portal, "127.0.0.1", smtp.Port);
        await SetPreferenceAsync(portal, ana.Id, inPortal: false, timeZone: "America/New_York", address: "ana.pager@corp.example");

        await EnqueueAsync(portal, new Notification("alert:1:threshold:14", null, ana.Id, Content()));
        (await DeliverAsync(portal)).ShouldBe(1);

        var mail = smtp.Received().ShouldHaveSingleItem();
        mail.MailFrom.ShouldBe("vpnportal@corp.example");
        mail.RcptTos.ShouldBe(["ana.pager@corp.example"]);
        mail.Subject.ShouldBe("SSTP certificate vpn.corp.example expires in 14 days");
        mail.Text.ShouldNotBeNull();
        mail.Text.ShouldContain("Expires: in 14 days, on Tue 8 Dec 2026 04:00 (America/New_York)");
        mail.Text.ShouldContain("  - VPN01 (Local Computer\\Personal)");
        mail.Text.ShouldContain("Certificate: https://vpnportal.corp.example/certificates/7d0c1d2e-0000-4000-8000-000000000001");
        mail.Text.ShouldContain("Roll out a replacement: https://vpnportal.corp.example/rotations/new?certificate=7d0c1d2e-0000-4000-8000-000000000001");
        mail.Html.ShouldNotBeNull();
        mail.Html.ShouldContain("href=\"https://vpnportal.corp.example/certificates/7d0c1d2e-0000-4000-8000-000000000001\"");
        mail.Tls.ShouldBeFalse();
        await using var db = portal.Database.CreateContext();
        (await db.NotificationOutbox.SingleAsync(Ct)).State.ShouldBe(OutboxState.Delivered);
    }

    [Fact]
    public async Task Email_OverStartTls_WithAuthentication_IsAcceptedByTheServer()
    {
        await using var smtp = await SmtpSink.StartAsync(startTls: true, user: "portal", password: "s3cret-relay-password");
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall, "ana@corp.example");
        await SetSmtpAsync(portal, "127.0.0.1", smtp.Port, SmtpSecurity.StartTls, "portal", "s3cret-relay-password", trustedSha256: smtp.CertificateSha256);
        await SetPreferenceAsync(portal, ana.Id, inPortal: false, timeZone: "Europe/London");

        await EnqueueAsync(portal, new Notification("alert:2:threshold:14", null, ana.Id, Content()));
        (await DeliverAsync(portal)).ShouldBe(1);

        await using (var check = portal.Database.CreateContext())
        {
            (await check.NotificationOutbox.SingleAsync(Ct)).LastError.ShouldBeNull();
        }

        var mail = smtp.Received().ShouldHaveSingleItem();
        mail.Tls.ShouldBeTrue();
        mail.AuthenticatedAs.ShouldBe("portal");
        mail.RcptTos.ShouldBe(["ana@corp.example"]);
        mail.Text!.ShouldContain("in 14 days, on Tue 8 Dec 2026 09:00 (Europe/London)");
    }

    [Fact]
    public async Task Email_OverImplicitTls_WithAuthentication_IsAcceptedByTheServer()
    {
        await using var smtp = await SmtpSink.StartAsync(implicitTls: true, user: "portal", password: "s3cret-relay-password");
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall, "ana@corp.example");
        await SetSmtpAsync(portal, "127.0.0.1", smtp.Port, SmtpSecurity.ImplicitTls, "portal", "s3cret-relay-password", trustedSha256: smtp.CertificateSha256);
        await SetPreferenceAsync(portal, ana.Id, inPortal: false);

        await EnqueueAsync(portal, new Notification("alert:5:threshold:14", null, ana.Id, Content()));
        (await DeliverAsync(portal)).ShouldBe(1);

        var mail = smtp.Received().ShouldHaveSingleItem();
        mail.Tls.ShouldBeTrue();
        mail.AuthenticatedAs.ShouldBe("portal");
    }

    [Fact]
    public async Task Email_WithStartTlsRequired_ToARelayThatDoesNotOfferIt_FailsAndSendsNothing()
    {
        await using var smtp = await SmtpSink.StartAsync(user: "portal", password: "s3cret-relay-password");
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetSmtpAsync(portal, "127.0.0.1", smtp.Port, SmtpSecurity.StartTls, "portal", "s3cret-relay-password");
        await SetPreferenceAsync(portal, ana.Id, inPortal: false);

        await EnqueueAsync(portal, new Notification("alert:6:threshold:14", null, ana.Id, Content()));
        await DeliverAsync(portal);

        smtp.Received().ShouldBeEmpty();
        await using var db = portal.Database.CreateContext();
        var message = await db.NotificationOutbox.SingleAsync(Ct);
        message.LastError.ShouldNotBeNull();
        message.LastError.ShouldContain("STARTTLS");
        message.LastError.ShouldNotContain("s3cret-relay-password");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Email_WithAPasswordToARelayWithoutTls_IsSentOnlyWhenTheChannelAllowsItExplicitly(bool allowed)
    {
        await using var smtp = await SmtpSink.StartAsync(user: "portal", password: "s3cret-relay-password");
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetSmtpAsync(portal, "127.0.0.1", smtp.Port, SmtpSecurity.None, "portal", "s3cret-relay-password", allowPasswordWithoutTls: allowed);
        await SetPreferenceAsync(portal, ana.Id, inPortal: false);

        await EnqueueAsync(portal, new Notification("alert:7:threshold:14", null, ana.Id, Content()));
        await DeliverAsync(portal);

        await using var db = portal.Database.CreateContext();
        var message = await db.NotificationOutbox.SingleAsync(Ct);
        if (allowed)
        {
            var mail = smtp.Received().ShouldHaveSingleItem();
            (mail.Tls, mail.AuthenticatedAs).ShouldBe((false, "portal"));
            message.State.ShouldBe(OutboxState.Delivered);
        }
        else
        {
            smtp.Received().ShouldBeEmpty();
            message.LastError.ShouldNotBeNull();
            message.LastError.ShouldContain("unencrypted");
        }
    }

    [Fact]
    public async Task Email_ToARelayWhoseCertificateIsNotTrusted_FailsWithTheTlsError_AndSendsNothing()
    {
        await using var smtp = await SmtpSink.StartAsync(startTls: true, user: "portal", password: "s3cret-relay-password");
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetSmtpAsync(portal, "127.0.0.1", smtp.Port, SmtpSecurity.StartTls, "portal", "s3cret-relay-password");
        await SetPreferenceAsync(portal, ana.Id, inPortal: false);

        await EnqueueAsync(portal, new Notification("alert:3:threshold:14", null, ana.Id, Content()));
        await DeliverAsync(portal);

        smtp.Received().ShouldBeEmpty();
        await using var db = portal.Database.CreateContext();
        var message = await db.NotificationOutbox.SingleAsync(Ct);
        message.State.ShouldBe(OutboxState.Failed);
        message.LastError.ShouldNotBeNull();
        message.LastError.ShouldStartWith($"SMTP 127.0.0.1:{smtp.Port}:");
        message.LastError.ShouldContain("certificate", Case.Insensitive);
        message.LastError.ShouldNotContain("s3cret-relay-password");
    }

    [Fact]
    public async Task Email_TheServerRefuses_IsRetriedWithTheServersAnswerRecorded_AndTheSameMessageId_ThenDeliveredWhenItRecovers()
    {
        var time = new FakeTimeProvider(Start);
        await using var smtp = await SmtpSink.StartAsync();
        smtp.Refuse("451 4.3.0 Mailbox busy, try again later");
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, time, NoJobs, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetSmtpAsync(portal, "127.0.0.1", smtp.Port);
        await SetPreferenceAsync(portal, ana.Id, inPortal: false);
        await EnqueueAsync(portal, new Notification("alert:4:threshold:7", null, ana.Id, Content()));

        await DeliverAsync(portal);
        time.Advance(TimeSpan.FromSeconds(30));
        await DeliverAsync(portal);
        smtp.Received().ShouldBeEmpty();
        smtp.Recover();
        time.Advance(TimeSpan.FromSeconds(60));
        (await DeliverAsync(portal)).ShouldBe(1);

        smtp.Received().ShouldHaveSingleItem().Subject.ShouldBe("SSTP certificate vpn.corp.example expires in 14 days");
        await using var db = portal.Database.CreateContext();
        var message = await db.NotificationOutbox.Include(m => m.AttemptLog).SingleAsync(Ct);
        message.State.ShouldBe(OutboxState.Delivered);
        message.AttemptLog.OrderBy(a => a.Number).Select(a => a.Succeeded).ShouldBe([false, false, true]);
        message.AttemptLog.Where(a => !a.Succeeded).ShouldAllBe(a => a.Error!.Contains("Mailbox busy, try again later"));
        // Every attempt carries the message's key, so a relay that did take a "failed" one can drop the repeat.
        smtp.Refused().Select(m => m.MessageId).ShouldBe([$"<{message.Id}@corp.example>", $"<{message.Id}@corp.example>"]);
        smtp.Received().Single().MessageId.ShouldBe($"<{message.Id}@corp.example>");
    }
}
