using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Features.Users;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Users;

public sealed class ListUsersTests
{
    /// <summary>SQLite always; PostgreSQL when VPNPORTAL_TEST_POSTGRES names a server (skipped otherwise, required on CI).</summary>
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<ListUsers.UserPage> ListAsync(UserAdminFixture f, ListUsers.Query q)
    {
        await using var db = f.Context();
        return await new ListUsers(db, f.Clock).RunAsync(q, Ct);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_SearchMatchesEmailOrDisplayNameWithoutRegardToCase(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        await f.AddUserAsync("ana@corp.example", Roles.Admin);
        await f.AddUserAsync("bo@corp.example", Roles.User);
        await f.AddUserAsync("cy@other.example", Roles.User);

        (await ListAsync(f, new("CORP"))).Items.Select(u => u.Email).ShouldBe(["ana@corp.example", "bo@corp.example"]);
        (await ListAsync(f, new("Cy"))).Items.Select(u => u.Email).ShouldBe(["cy@other.example"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_FilterByRole_ReturnsOnlyHoldersWithAllTheirRoles(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        await f.AddUserAsync("ana@corp.example", Roles.User, Roles.Admin);
        await f.AddUserAsync("bo@corp.example", Roles.User);
        await f.AddUserAsync("cy@corp.example", Roles.OnCall);

        var admins = await ListAsync(f, new(Role: "admin"));

        var ana = admins.Items.ShouldHaveSingleItem();
        ana.Email.ShouldBe("ana@corp.example");
        ana.Roles.ShouldBe([Roles.Admin, Roles.User]);
        (await ListAsync(f, new(Role: Roles.User))).Total.ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_FilterByStatus_SeparatesActiveDisabledAndLockedOut(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        await f.AddUserAsync("active@corp.example", Roles.User);
        var disabled = await f.AddUserAsync("disabled@corp.example", Roles.User);
        var locked = await f.AddUserAsync("locked@corp.example", Roles.User);
        await using (var db = f.Context())
        {
            await db.Users.Where(u => u.Id == disabled).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsDisabled, true), Ct);
            await db.Users.Where(u => u.Id == locked).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, f.Clock.GetUtcNow().AddMinutes(5)), Ct);
        }

        (await ListAsync(f, new(Status: ListUsers.UserStatus.Active))).Items.Select(u => u.Email).ShouldBe(["active@corp.example"]);
        (await ListAsync(f, new(Status: ListUsers.UserStatus.Disabled))).Items.Select(u => u.Email).ShouldBe(["disabled@corp.example"]);
        var lockedRow = (await ListAsync(f, new(Status: ListUsers.UserStatus.LockedOut))).Items.ShouldHaveSingleItem();
        lockedRow.LockedOutUntil.ShouldBe(f.Clock.GetUtcNow().AddMinutes(5));

        // Once the lockout has passed the account is active again.
        f.Clock.Advance(TimeSpan.FromMinutes(6));
        (await ListAsync(f, new(Status: ListUsers.UserStatus.LockedOut))).Total.ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_PagesInEmailOrderAndCapsTakeAt500(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        foreach (var name in new[] { "e", "d", "c", "b", "a" })
        {
            await f.AddUserAsync($"{name}@corp.example", Roles.User);
        }

        var page = await ListAsync(f, new(Skip: 2, Take: 2));

        page.Total.ShouldBe(5);
        page.Items.Select(u => u.Email).ShouldBe(["c@corp.example", "d@corp.example"]);
        (await ListAsync(f, new(Take: 10_000))).Take.ShouldBe(ListUsers.MaxTake);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_SortsByTheGridsColumnsInTheDatabase_AndFallsBackToEmailForAnUnknownColumn(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var start = f.Clock.GetUtcNow();
        foreach (var (email, name, hoursAgo) in new[] { ("a@corp.example", "Zoe", 3), ("b@corp.example", "Yan", 1), ("c@corp.example", "Xia", 2) })
        {
            var id = await f.AddUserAsync(email, Roles.User);
            await using var db = f.Context();
            await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(
                s => s.SetProperty(u => u.DisplayName, name).SetProperty(u => u.LastSignInAt, start.AddHours(-hoursAgo)), Ct);
        }

        async Task<string[]> Emails(params SortBy[] sorts) =>
            (await ListAsync(f, new(Sorts: sorts))).Items.Select(u => u.Email).ToArray();

        (await Emails(new SortBy("DisplayName", false))).ShouldBe(["c@corp.example", "b@corp.example", "a@corp.example"]);
        (await Emails(new SortBy("DisplayName", true))).ShouldBe(["a@corp.example", "b@corp.example", "c@corp.example"]);
        (await Emails(new SortBy("LastSignInAt", true))).ShouldBe(["b@corp.example", "c@corp.example", "a@corp.example"]);
        (await Emails(new SortBy("Email", true))).ShouldBe(["c@corp.example", "b@corp.example", "a@corp.example"]);
        (await Emails(new SortBy("PasswordHash", true))).ShouldBe(["a@corp.example", "b@corp.example", "c@corp.example"]);

        // The sort applies before the page is cut: the second page of two by name descending is the last name.
        var page = await ListAsync(f, new(Skip: 2, Take: 2, Sorts: [new SortBy("DisplayName", true)]));
        page.Items.Select(u => u.Email).ShouldBe(["c@corp.example"]);
        page.Total.ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_RowsCarryNoPasswordHashSecurityStampOrPhoneNumber(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var id = await f.AddUserAsync("ana@corp.example", Roles.User);
        await using (var db = f.Context())
        {
            await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PhoneNumber, "+447700900123"), Ct);
        }

        var json = JsonSerializer.Serialize(await ListAsync(f, new()));

        string hash, stamp;
        await using (var db = f.Context())
        {
            var user = await db.Users.AsNoTracking().SingleAsync(Ct);
            (hash, stamp) = (user.PasswordHash!, user.SecurityStamp!);
        }

        json.ShouldContain("ana@corp.example");
        json.ShouldNotContain(hash);
        json.ShouldNotContain(stamp);
        json.ShouldNotContain("+447700900123");
    }
}
