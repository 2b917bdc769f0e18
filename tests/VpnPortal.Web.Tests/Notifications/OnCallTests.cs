using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Features.OnCall;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>The rota over HTTP and through its handler: who may change what, audit entries, refusals that write nothing, and the roster the alerts use.</summary>
public sealed class OnCallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero); // a Tuesday

    private static IReadOnlyDictionary<string, string> NoJobs => NotificationSeed.NoJobs;

    private static async Task<CommandResult> SaveRotationAsync(PortalFactory portal, TestUser admin, params Guid[] members) =>
        await portal.InScopeAsync(
            sp => sp.GetRequiredService<OnCallRota>().SaveRotationAsync(
                new OnCallRota.RotationInput(members, DayOfWeek.Monday, new TimeOnly(9, 0), "Europe/London", new DateOnly(2026, 11, 23), null),
                new RotaCaller(admin.Id, IsAdmin: true), Ct),
            new AuditActor(AuditActorKind.User, admin.Id, admin.Email));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Rotation_SavedByAnAdmin_IsAudited_AndTheRosterNamesPrimaryNextAndEveryone(string provider)
    {
        var time = new FakeTimeProvider(Start);
        await using var portal = await PortalFactory.StartAsync(provider, time, NoJobs);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        var ben = await portal.CreateUserAsync(Roles.OnCall);
        var cem = await portal.CreateUserAsync(Roles.OnCall);

        (await SaveRotationAsync(portal, admin, ana.Id, ben.Id)).Succeeded.ShouldBeTrue();

        await using var db = portal.Database.CreateContext();
        var roster = await portal.Services.GetRequiredService<IOnCallRoster>().AtAsync(db, Start, Ct);
        roster.Primary.ShouldBe(ana.Id);
        roster.Next.ShouldBe(ben.Id);
        roster.Everyone.ShouldBe([ana.Id, ben.Id, cem.Id]);
        (await portal.Services.GetRequiredService<IOnCallRoster>().AtAsync(db, new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero), Ct)).Primary.ShouldBe(ben.Id);
        var audit = await db.AuditEntries.SingleAsync(a => a.EntityType == "on-call-rotation", Ct);
        audit.Actor.ShouldBe(admin.Email);
        audit.AfterJson!.ShouldContain(ana.Id.ToString());
    }

    [Fact]
    public async Task Rotation_WithSomeoneWithoutTheOnCallRole_OrAnUnknownZone_IsRefused_AndWritesNothing()
    {
        await using var portal = await PortalFactory.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var user = await portal.CreateUserAsync(Roles.User);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        var before = await portal.CountRowsWhenSettledAsync();

        var notOnCall = await SaveRotationAsync(portal, admin, ana.Id, user.Id);
        var badZone = await portal.InScopeAsync(sp => sp.GetRequiredService<OnCallRota>().SaveRotationAsync(
            new OnCallRota.RotationInput([ana.Id], DayOfWeek.Monday, new TimeOnly(9, 0), "Mars/Olympus_Mons", new DateOnly(2026, 11, 23), null), new RotaCaller(admin.Id, true), Ct));
        var byOnCall = await portal.InScopeAsync(sp => sp.GetRequiredService<OnCallRota>().SaveRotationAsync(
            new OnCallRota.RotationInput([ana.Id], DayOfWeek.Monday, new TimeOnly(9, 0), "UTC", new DateOnly(2026, 11, 23), null), new RotaCaller(ana.Id, false), Ct));

        notOnCall.Errors["Members"].ShouldContain("OnCall role");
        badZone.Errors["TimeZoneId"].ShouldContain("Mars/Olympus_Mons");
        byOnCall.Succeeded.ShouldBeFalse();
        (await portal.CountRowsAsync()).ShouldEqual(before, "refused rotations change nothing");
    }

    [Fact]
    public async Task Rotation_SavedFromAStaleView_IsAConflict()
    {
        await using var portal = await PortalFactory.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        var ben = await portal.CreateUserAsync(Roles.OnCall);
        (await SaveRotationAsync(portal, admin, ana.Id)).Succeeded.ShouldBeTrue();
        var seen = await portal.InScopeAsync(sp => sp.GetRequiredService<OnCallRota>().GetAsync(Ct));
        var input = new OnCallRota.RotationInput([ana.Id, ben.Id], DayOfWeek.Monday, new TimeOnly(9, 0), "UTC", new DateOnly(2026, 11, 23), seen.Version);
        (await portal.InScopeAsync(sp => sp.GetRequiredService<OnCallRota>().SaveRotationAsync(input, new RotaCaller(admin.Id, true), Ct))).Succeeded.ShouldBeTrue();

        var stale = await portal.InScopeAsync(sp => sp.GetRequiredService<OnCallRota>().SaveRotationAsync(input with { Members = [ben.Id] }, new RotaCaller(admin.Id, true), Ct));

        stale.Status.ShouldBe(CommandStatus.Conflict);
    }

    [Fact]
    public async Task Cover_AnOnCallUserAddsTheirOwnOverTheApi_IsAuditedAndInForce_ButNotForSomeoneElse()
    {
        var time = new FakeTimeProvider(Start);
        await using var portal = await PortalFactory.StartAsync(TestDatabase.Sqlite, time, NoJobs);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        var ben = await portal.CreateUserAsync(Roles.OnCall);
        (await SaveRotationAsync(portal, admin, ana.Id, ben.Id)).Succeeded.ShouldBeTrue();
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(ben));

        var before = await portal.CountRowsWhenSettledAsync();
        using var forAna = await api.PostAsJsonAsync("/api/v1/on-call/overrides", new { userId = ana.Id, startsAt = Start, endsAt = Start.AddHours(8) }, Ct);
        forAna.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await forAna.Content.ReadAsStringAsync(Ct)).ShouldContain("only for yourself");
        using var backwards = await api.PostAsJsonAsync("/api/v1/on-call/overrides", new { startsAt = Start.AddHours(8), endsAt = Start }, Ct);
        backwards.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await portal.CountRowsAsync()).ShouldEqual(before, "refused cover changes nothing");

        using var mine = await api.PostAsJsonAsync("/api/v1/on-call/overrides", new { startsAt = Start.AddHours(-1), endsAt = Start.AddHours(8), reason = "swapped with Ana" }, Ct);
        mine.StatusCode.ShouldBe(HttpStatusCode.Created);

        using var now = JsonDocument.Parse(await api.GetStringAsync("/api/v1/on-call", Ct));
        now.RootElement.GetProperty("now").GetProperty("id").GetGuid().ShouldBe(ben.Id);
        now.RootElement.GetProperty("covering").GetProperty("id").GetGuid().ShouldBe(ana.Id);
        now.RootElement.GetProperty("next").GetProperty("id").GetGuid().ShouldBe(ana.Id);
        await using var db = portal.Database.CreateContext();
        var audit = await db.AuditEntries.SingleAsync(a => a.EntityType == "on-call-override", Ct);
        audit.Actor.ShouldContain(ben.Email);
        audit.AfterJson!.ShouldContain("swapped with Ana");

        var coverId = now.RootElement.GetProperty("overrides")[0].GetProperty("id").GetGuid();
        using var anaApi = portal.CreateApiClient(await portal.CreateApiKeyAsync(ana));
        using var notHers = await anaApi.DeleteAsync($"/api/v1/on-call/overrides/{coverId}", Ct);
        notHers.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var removed = await api.DeleteAsync($"/api/v1/on-call/overrides/{coverId}", Ct);
        removed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await db.AuditEntries.CountAsync(a => a.Action == "on-call-override.deleted" && a.Actor.Contains(ben.Email), Ct)).ShouldBe(1);
        (await db.OnCallOverrides.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task RotaPage_ShowsWhoIsOnCallAndNext_ToOnCallAndAdmins_AndTheEditorOnlyToAdmins()
    {
        await using var portal = await PortalFactory.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        var ben = await portal.CreateUserAsync(Roles.OnCall);
        (await SaveRotationAsync(portal, admin, ana.Id, ben.Id)).Succeeded.ShouldBeTrue();
        using var asAdmin = await portal.SignInAsync(admin);
        using var asOnCall = await portal.SignInAsync(ana);

        var adminHtml = await asAdmin.Client.GetStringAsync("/on-call", Ct);
        var onCallHtml = await asOnCall.Client.GetStringAsync("/on-call", Ct);

        foreach (var html in new[] { adminHtml, onCallHtml })
        {
            html.ShouldContain("OnCall person 2"); // Ana, on call this week
            html.ShouldContain("Mon 30 Nov 2026 09:00 (Europe/London)");
            html.ShouldContain("href=\"on-call\"", customMessage: "the menu links to the rota");
        }

        adminHtml.ShouldContain("id=\"save-rotation\"");
        onCallHtml.ShouldNotContain("id=\"save-rotation\"");
        onCallHtml.ShouldContain("id=\"add-override-button\"", customMessage: "on-call staff arrange their own cover");
    }
}
