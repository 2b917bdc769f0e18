using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.OnCall;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.OnCall;

public sealed class OnCallPageTests : IAsyncDisposable
{
    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    /// <summary>Ana and Ben on call in turn, Monday 09:00 UTC; the clock (Sun 22 Nov 2026 09:00 UTC) is in Ana's week.</summary>
    private async Task<(Guid Ana, Guid Ben)> SeedRotaAsync(string role, bool signedInIsOnCall = false)
    {
        _ctx = await PortalComponentContext.CreateAsync(role);
        await using var db = _ctx.Db();
        var onCall = await db.Roles.SingleAsync(r => r.Name == Roles.OnCall, Ct);
        var ana = await AddUserAsync(db, Guid.NewGuid(), "Ana Lopez", onCall.Id);
        var ben = await AddUserAsync(db, Guid.NewGuid(), "Ben Okafor", onCall.Id);
        if (signedInIsOnCall)
        {
            await AddUserAsync(db, PortalComponentContext.AdminId, "Cem Yilmaz", onCall.Id);
        }

        db.OnCallRotations.Add(new OnCallRotation
        {
            Id = OnCallRotation.SingletonId,
            MemberUserIds = [ana, ben],
            HandOverDay = DayOfWeek.Monday,
            HandOverTime = new TimeOnly(9, 0),
            TimeZoneId = "UTC",
            StartsOn = new DateOnly(2026, 11, 16),
        });
        await db.SaveChangesAsync(Ct);
        return (ana, ben);
    }

    private static async Task<Guid> AddUserAsync(PortalDbContext db, Guid id, string name, Guid roleId)
    {
        var email = $"{name.Split(' ')[0].ToLowerInvariant()}@corp.example";
        db.Users.Add(new PortalUser { Id = id, UserName = email, Email = email, DisplayName = name, NormalizedEmail = email.ToUpperInvariant(), NormalizedUserName = email.ToUpperInvariant() });
        db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = id, RoleId = roleId });
        await db.SaveChangesAsync(Ct);
        return id;
    }

    [Fact]
    public async Task Admin_SeesNowAndNext_MovesBenFirst_AndSaves()
    {
        var (ana, ben) = await SeedRotaAsync(Roles.Admin);
        var cut = _ctx.Bunit.Render<OnCallPage>();
        cut.WaitForAssertion(() => cut.Find("#primary").TextContent.ShouldBe("Ana Lopez"));
        cut.Find("#next").TextContent.ShouldBe("Ben Okafor, from Mon 23 Nov 2026 09:00 (UTC)");
        cut.Find("#next-hand-over").TextContent.ShouldBe("Mon 23 Nov 2026 09:00 (UTC)");

        cut.FindAll(".rota-member")[1].QuerySelector(".move-up")!.Click();
        cut.Find("#save-rotation").Click();

        cut.WaitForAssertion(() => cut.Find("#primary").TextContent.ShouldBe("Ben Okafor"));
        cut.FindAll(".rota-member").Select(m => m.GetAttribute("data-user")).ShouldBe([ben.ToString(), ana.ToString()]);
        await using var db = _ctx.Db();
        (await db.OnCallRotations.SingleAsync(Ct)).MemberUserIds.ShouldBe([ben, ana]);
        (await db.AuditEntries.SingleAsync(a => a.EntityType == "on-call-rotation", Ct)).Actor.ShouldBe("admin@corp.example");
    }

    [Fact]
    public async Task OnCallUser_CannotEditTheRotation_ButAddsTheirOwnCover_WhichPutsThemOnCall()
    {
        await SeedRotaAsync(Roles.OnCall, signedInIsOnCall: true);
        var cut = _ctx.Bunit.Render<OnCallPage>();
        cut.WaitForAssertion(() => cut.Find("#primary").TextContent.ShouldBe("Ana Lopez"));
        cut.FindAll("#save-rotation").ShouldBeEmpty();
        cut.Find("#cover-user").TextContent.ShouldBe("you");

        cut.Find("#cover-from-date").Change("2026-11-22");
        cut.Find("#cover-from-time").Change("08:00");
        cut.Find("#cover-to-date").Change("2026-11-22");
        cut.Find("#cover-to-time").Change("20:00");
        cut.Find("#cover-reason").Change("Ana's flight is delayed");
        cut.Find("#add-override-button").Click();

        cut.WaitForAssertion(() => cut.Find("#primary").TextContent.ShouldBe("Cem Yilmaz"));
        cut.Find("#covering").TextContent.ShouldBe("covering for Ana Lopez");
        cut.Find(".override-row").TextContent.ShouldContain("Ana's flight is delayed");
        await using var db = _ctx.Db();
        var cover = await db.OnCallOverrides.SingleAsync(Ct);
        cover.UserId.ShouldBe(PortalComponentContext.AdminId);
        cover.StartsAt.ShouldBe(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Cover_EndingBeforeItStarts_IsRefusedWithTheReason_AndNothingIsSaved()
    {
        var (ana, _) = await SeedRotaAsync(Roles.Admin);
        var cut = _ctx.Bunit.Render<OnCallPage>();
        cut.WaitForAssertion(() => cut.Find("#add-override"));
        var who = cut.FindComponents<MudSelect<string>>().Single(s => s.FindAll("#cover-user").Count == 1);
        await cut.InvokeAsync(() => who.Instance.SelectOption(ana.ToString()));
        cut.Find("#cover-from-date").Change("2026-11-23");
        cut.Find("#cover-from-time").Change("08:00");
        cut.Find("#cover-to-date").Change("2026-11-23");
        cut.Find("#cover-to-time").Change("07:00");
        cut.Find("#add-override-button").Click();

        cut.WaitForAssertion(() => cut.Find("#overrides .alert.error").TextContent.ShouldContain("must end after it starts"));
        await using var db = _ctx.Db();
        (await db.OnCallOverrides.CountAsync(Ct)).ShouldBe(0);
    }
}
