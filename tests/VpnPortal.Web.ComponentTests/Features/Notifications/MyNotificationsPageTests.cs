using Bunit;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Notifications;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Notifications;

public sealed class MyNotificationsPageTests : IAsyncLifetime
{
    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        await using var db = _ctx.Db();
        db.Users.Add(new PortalUser { Id = PortalComponentContext.AdminId, UserName = "oncall@corp.example", Email = "oncall@corp.example", DisplayName = "On call" });
        await db.SaveChangesAsync(Ct);
    }

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    private async Task<Guid> AddAsync(string subject, TimeSpan ago, bool read = false)
    {
        await using var db = _ctx.Db();
        var n = new PortalNotification
        {
            Id = Guid.NewGuid(),
            UserId = PortalComponentContext.AdminId,
            OutboxMessageId = Guid.NewGuid(),
            Severity = "warning",
            Subject = subject,
            Body = $"{subject}\n\nExpires: in 14 days",
            LinksJson = "[{\"text\":\"Certificate\",\"url\":\"https://vpnportal.corp.example/certificates/1\"}]",
            CreatedAt = _ctx.Time.GetUtcNow() - ago,
            ReadAt = read ? _ctx.Time.GetUtcNow() : null,
        };
        db.PortalNotifications.Add(n);
        await db.SaveChangesAsync(Ct);
        return n.Id;
    }

    [Fact]
    public void NoNotifications_SaysSo()
    {
        var cut = _ctx.Bunit.Render<MyNotificationsPage>();

        cut.WaitForAssertion(() => cut.Find("#no-notifications"));
        cut.FindAll("#mark-all-read").ShouldBeEmpty();
    }

    [Fact]
    public async Task List_NewestFirst_WithLinks_AndMarkReadUpdatesTheRowAndTheCount()
    {
        await AddAsync("Older, already read", TimeSpan.FromDays(2), read: true);
        var older = await AddAsync("Expires in 14 days", TimeSpan.FromHours(3));
        await AddAsync("Expires in 7 days", TimeSpan.FromMinutes(5));
        var cut = _ctx.Bunit.Render<MyNotificationsPage>();
        cut.WaitForAssertion(() => cut.FindAll(".notification-item").Count.ShouldBe(3));
        cut.FindAll(".notification-subject").Select(s => s.TextContent.Trim()).ShouldBe(["warning Expires in 7 days", "warning Expires in 14 days", "warning Older, already read"]);
        cut.Find("#notification-list h2").TextContent.ShouldBe("Your notifications (2 unread)");
        cut.Find(".notification-item a").GetAttribute("href").ShouldBe("https://vpnportal.corp.example/certificates/1");

        cut.Find($".notification-item[data-id='{older}'] .mark-read").Click();

        cut.WaitForAssertion(() => cut.Find("#notification-list h2").TextContent.ShouldBe("Your notifications (1 unread)"));
        cut.Find($".notification-item[data-id='{older}']").ClassList.ShouldContain("read");
        await using var db = _ctx.Db();
        (await db.PortalNotifications.SingleAsync(n => n.Id == older, Ct)).ReadAt.ShouldNotBeNull();

        cut.Find("#mark-all-read").Click();
        cut.WaitForAssertion(() => cut.Find("#notification-list h2").TextContent.ShouldBe("Your notifications (0 unread)"));
        cut.FindAll(".mark-read").ShouldBeEmpty();
    }
}
