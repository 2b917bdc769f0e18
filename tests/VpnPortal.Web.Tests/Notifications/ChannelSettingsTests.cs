using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Notifications.NotificationSeed;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>The admins' channel settings: secrets stay write-only and out of the audit log, refusals write nothing, tests report the real answer.</summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class ChannelSettingsTests
{
    private const string Password = "relay-Pa55word-never-shown";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AuditActor As(TestUser user) => new(AuditActorKind.User, user.Id, user.Email);

    private static ChannelSettings.SmtpInput Smtp(int port, Guid? version = null, string? password = Password, string host = "127.0.0.1") =>
        new(true, host, port, SmtpSecurity.None, "portal", password, false, "vpnportal@corp.example", null, version, AllowPasswordWithoutTls: true);

    [Fact]
    public async Task SmtpPassword_IsStoredEncrypted_NeverAudited_AndNeverEchoedByThePage()
    {
        await using var portal = await PortalFactory.StartAsync(settings: NoJobs, services: ReachListenersOnLoopback);
        var admin = await portal.CreateUserAsync(Roles.Admin);

        var saved = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SaveSmtpAsync(Smtp(2525), Ct), As(admin));

        saved.Succeeded.ShouldBeTrue();
        await using var db = portal.Database.CreateContext();
        var row = await db.SmtpChannelSettings.SingleAsync(Ct);
        Encoding.UTF8.GetString(row.ProtectedPassword!).ShouldNotContain(Password);
        portal.Services.GetRequiredService<NotificationSecrets>().Unprotect(row.ProtectedPassword!).ShouldBe(Password);
        var audit = await db.AuditEntries.Where(a => a.EntityType == "smtp-settings").ToListAsync(Ct);
        audit.Select(a => a.Action).ShouldBe(["notification-channel.smtp-password-set", "smtp-settings.created"], ignoreOrder: true);
        audit.ShouldAllBe(a => a.Actor == admin.Email);
        audit.ShouldAllBe(a => !(a.AfterJson ?? "").Contains(Password) && !(a.BeforeJson ?? "").Contains(Password) && !a.Summary.Contains(Password));

        using var browser = await portal.SignInAsync(admin);
        var html = await browser.Client.GetStringAsync("/settings/notifications", Ct);
        html.ShouldContain("A password is stored (encrypted)");
        html.ShouldNotContain(Password);
    }

    [Fact]
    public async Task BadSettings_AreRefusedWithReasons_AndWriteNothing()
    {
        await using var portal = await PortalFactory.StartAsync(settings: NoJobs);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var before = await portal.CountRowsWhenSettledAsync();

        var smtp = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SaveSmtpAsync(
            new ChannelSettings.SmtpInput(true, "", 70000, SmtpSecurity.StartTls, null, null, false, "not an address", "abc", null), Ct), As(admin));
        var hook = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().AddWebhookAsync("Ops", WebhookFormat.Teams, "ftp://teams.example/x", Ct), As(admin));

        smtp.Errors.Keys.ShouldBe(["Host", "Port", "FromAddress", "TrustedCertificateSha256"], ignoreOrder: true);
        hook.Errors.Keys.ShouldBe(["Url"]);
        (await portal.CountRowsAsync()).ShouldEqual(before, "refused settings change nothing");
    }

    [Fact]
    public async Task APasswordForARelayWithoutTls_IsRefused_UnlessAllowedExplicitly_AndTheChoiceIsAuditedAndShown()
    {
        await using var portal = await PortalFactory.StartAsync(settings: NoJobs);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var before = await portal.CountRowsWhenSettledAsync();

        var refused = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SaveSmtpAsync(Smtp(25, host: "smtp.corp.example") with { AllowPasswordWithoutTls = false }, Ct), As(admin));

        refused.Errors.Keys.ShouldBe(["Security"]);
        refused.Errors["Security"].ShouldContain("unencrypted");
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused relay changes nothing");

        var allowed = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SaveSmtpAsync(
            Smtp(25, host: "smtp.corp.example"), Ct), As(admin));

        allowed.Succeeded.ShouldBeTrue();
        var view = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().GetAsync(Ct), As(admin));
        view.Smtp.AllowPasswordWithoutTls.ShouldBeTrue();
        await using var db = portal.Database.CreateContext();
        (await db.AuditEntries.SingleAsync(a => a.Action == "smtp-settings.created", Ct)).AfterJson.ShouldNotBeNull().ShouldContain("AllowPasswordWithoutTls");
    }

    [Fact]
    public async Task WebhookUrl_IsStoredEncrypted_AndShownOnlyAsItsHost()
    {
        await using var portal = await PortalFactory.StartAsync(settings: NoJobs);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        const string url = "https://hooks.slack.example/services/T000/B000/XXXXSECRETTOKEN";

        (await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().AddWebhookAsync("Ops Slack", WebhookFormat.Slack, url, Ct), As(admin))).Succeeded.ShouldBeTrue();

        using var browser = await portal.SignInAsync(admin);
        var html = await browser.Client.GetStringAsync("/settings/notifications", Ct);
        html.ShouldContain("<code>https://hooks.slack.example/");
        html.ShouldNotContain("XXXXSECRETTOKEN");
        await using var db = portal.Database.CreateContext();
        (await db.AuditEntries.SingleAsync(a => a.EntityType == "webhook-channel", Ct)).AfterJson!.ShouldNotContain("XXXXSECRETTOKEN");
    }

    [Fact]
    public async Task SendTest_Email_ReportsTheRelaysAnswer_SuccessOrRefusal()
    {
        await using var sink = await SmtpSink.StartAsync();
        await using var portal = await PortalFactory.StartAsync(settings: NoJobs, services: ReachListenersOnLoopback);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var settings = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SaveSmtpAsync(Smtp(sink.Port, password: null), Ct), As(admin));
        settings.Succeeded.ShouldBeTrue();

        var ok = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SendTestEmailAsync("ana@corp.example", As(admin), Ct), As(admin));
        sink.Refuse("554 5.7.1 Relaying denied for this sender");
        var refused = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SendTestEmailAsync("ana@corp.example", As(admin), Ct), As(admin));

        ok.Succeeded.ShouldBeTrue(ok.Detail);
        ok.Detail.ShouldBe($"Sent: 127.0.0.1:{sink.Port} accepted the test message for ana@corp.example.");
        sink.Received().ShouldHaveSingleItem().Subject.ShouldBe("VpnPortal test message");
        refused.Succeeded.ShouldBeFalse();
        refused.Detail.ShouldContain("Relaying denied for this sender");
        await using var db = portal.Database.CreateContext();
        (await db.AuditEntries.CountAsync(a => a.Action == "notification-channel.tested", Ct)).ShouldBe(2);
    }

    [Fact]
    public async Task SendTest_Email_ToARelayThatIsNotListening_SaysSo()
    {
        await using var portal = await PortalFactory.StartAsync(settings: NoJobs, services: ReachListenersOnLoopback);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var closed = ClosedPort();
        (await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SaveSmtpAsync(Smtp(closed), Ct), As(admin))).Succeeded.ShouldBeTrue();

        var result = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SendTestEmailAsync("ana@corp.example", As(admin), Ct), As(admin));

        result.Succeeded.ShouldBeFalse();
        result.Detail.ShouldStartWith($"SMTP 127.0.0.1:{closed}:");
        result.Detail.ShouldContain("refused", Case.Insensitive);
        result.Detail.ShouldNotContain(Password);
    }

    [Fact]
    public async Task SendTest_Webhook_ReportsTheStatusLine_NeverTheBody()
    {
        await using var hook = await WebhookListener.StartAsync();
        hook.Respond = n => n == 1 ? (HttpStatusCode.OK, "1") : (HttpStatusCode.NotFound, "<html>internal wiki page, token=abc</html>");
        await using var portal = await PortalFactory.StartAsync(settings: NoJobs, services: ReachListenersOnLoopback);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var added = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().AddWebhookAsync("Teams", WebhookFormat.Teams, hook.Url("/teams"), Ct), As(admin));

        var ok = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SendTestWebhookAsync(added.Id!.Value, As(admin), Ct), As(admin));
        var bad = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SendTestWebhookAsync(added.Id!.Value, As(admin), Ct), As(admin));

        ok.Succeeded.ShouldBeTrue();
        ok.Detail.ShouldEndWith("answered HTTP 200 OK");
        bad.Succeeded.ShouldBeFalse();
        bad.Detail.ShouldBe($"127.0.0.1:{new Uri(hook.BaseUrl).Port} answered HTTP 404 Not Found");
        hook.Requests.First().Json["@type"]!.GetValue<string>().ShouldBe("MessageCard");
        await using var db = portal.Database.CreateContext();
        var audit = await db.AuditEntries.Where(a => a.Action == "notification-channel.tested").ToListAsync(Ct);
        audit.Count.ShouldBe(2);
        audit.ShouldAllBe(a => !(a.Summary + a.AfterJson).Contains("internal wiki") && !(a.Summary + a.AfterJson).Contains("token=abc"));
        audit.ShouldContain(a => a.AfterJson!.Contains("HTTP 404 Not Found"));
    }

    [Fact]
    public async Task WebhookEdits_FromAStaleView_AreConflicts()
    {
        await using var portal = await PortalFactory.StartAsync(settings: NoJobs);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var added = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().AddWebhookAsync("Teams", WebhookFormat.Teams, "https://teams.example/hook", Ct), As(admin));
        (await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SetWebhookEnabledAsync(added.Id!.Value, false, added.Version!.Value, Ct), As(admin))).Succeeded.ShouldBeTrue();

        var stale = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().RemoveWebhookAsync(added.Id!.Value, added.Version!.Value, Ct), As(admin));

        stale.Status.ShouldBe(CommandStatus.Conflict);
    }
}
