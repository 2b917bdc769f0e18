using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Users;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Users;

/// <summary>Disable and enable, unlock, sign out everywhere.</summary>
public sealed class AccountStateTests
{
    /// <summary>SQLite always; PostgreSQL when VPNPORTAL_TEST_POSTGRES names a server (skipped otherwise, required on CI).</summary>
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<CommandResult> SetDisabledAsync(UserAdminFixture f, Guid id, bool disabled, Guid? actingUserId, string? stamp = null) =>
        await f.RunAsync(async (db, users) =>
            await new SetUserDisabled(db, users).RunAsync(new(id, disabled, stamp ?? (await f.GetAsync(id)).ConcurrencyStamp), actingUserId, Ct));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Disable_User_DisablesTheAccountAndAuditsItAsDisabled(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var admin = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        var id = await f.AddUserAsync("cy@corp.example", Roles.User);

        (await SetDisabledAsync(f, id, true, admin)).Status.ShouldBe(CommandStatus.Ok);

        (await f.GetAsync(id)).IsDisabled.ShouldBeTrue();
        var entry = (await f.AuditAsync()).ShouldHaveSingleItem();
        (entry.Action, entry.Summary, entry.EntityId).ShouldBe(("user.disabled", "Disabled user cy@corp.example", id.ToString()));
        (entry.BeforeJson, entry.AfterJson).ShouldBe(("""{"IsDisabled":false}""", """{"IsDisabled":true}"""));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Enable_DisabledUser_EnablesItAndAuditsItAsEnabled(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var admin = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        var id = await f.AddUserAsync("cy@corp.example", Roles.User);
        (await SetDisabledAsync(f, id, true, admin)).Status.ShouldBe(CommandStatus.Ok);

        (await SetDisabledAsync(f, id, false, admin)).Status.ShouldBe(CommandStatus.Ok);

        (await f.GetAsync(id)).IsDisabled.ShouldBeFalse();
        (await f.AuditAsync()).Last().Summary.ShouldBe("Enabled user cy@corp.example");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Disable_OwnAccount_IsRefusedEvenWithOtherAdmins(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var ana = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        await f.AddUserAsync("bo@corp.example", Roles.Admin);

        var result = await SetDisabledAsync(f, ana, true, actingUserId: ana);

        result.Status.ShouldBe(CommandStatus.Invalid);
        result.Messages.ShouldBe([SetUserDisabled.SelfMessage]);
        (await f.GetAsync(ana)).IsDisabled.ShouldBeFalse();
        (await f.AuditAsync()).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Disable_TheLastEnabledAdmin_IsRefused(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var only = await f.AddUserAsync("ana@corp.example", Roles.Admin);

        // Acting through the CLI (no portal user), the guard still holds.
        var result = await SetDisabledAsync(f, only, true, actingUserId: null);

        result.Status.ShouldBe(CommandStatus.Invalid);
        result.Messages.ShouldBe(["ana@corp.example is the last enabled admin, so you cannot disable their account. Make another account an admin first."]);
        (await f.GetAsync(only)).IsDisabled.ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Disable_AnAdminWhileAnotherIsEnabled_Succeeds(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var ana = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        var bo = await f.AddUserAsync("bo@corp.example", Roles.Admin);

        (await SetDisabledAsync(f, bo, true, ana)).Status.ShouldBe(CommandStatus.Ok);

        (await f.GetAsync(bo)).IsDisabled.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Disable_WithAStaleStamp_ReturnsConflictAndWritesNothing(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var ana = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        var id = await f.AddUserAsync("cy@corp.example", Roles.User);
        var stale = (await f.GetAsync(id)).ConcurrencyStamp;
        var rename = UpdateUser.Request.From(await f.GetAsync(id));
        rename.DisplayName = "Cy Dahl";
        var bo = new AuditActor(AuditActorKind.User, Guid.NewGuid(), "bo@corp.example");
        (await f.RunAsync((db, users) => new UpdateUser(db, users).RunAsync(rename, Ct), bo)).Status.ShouldBe(CommandStatus.Ok);

        var result = await SetDisabledAsync(f, id, true, ana, stale);

        result.Status.ShouldBe(CommandStatus.Conflict);
        (await f.GetAsync(id)).IsDisabled.ShouldBeFalse();
        (await f.AuditAsync()).ShouldAllBe(a => a.Actor == "bo@corp.example");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Unlock_LockedOutUser_EndsTheLockoutClearsFailedSignInsAndAuditsIt(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var id = await f.AddUserAsync("cy@corp.example", Roles.User);
        await using (var db = f.Context(AuditActor.System))
        {
            await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(
                s => s.SetProperty(u => u.LockoutEnd, f.Clock.GetUtcNow().AddMinutes(15)).SetProperty(u => u.AccessFailedCount, 3), Ct);
        }

        var locked = await f.GetAsync(id);
        locked.LockedOutUntil.ShouldNotBeNull();

        var result = await f.RunAsync((db, users) => new UnlockUser(db, users).RunAsync(new(id, locked.ConcurrencyStamp), Ct));

        result.Status.ShouldBe(CommandStatus.Ok);
        var after = await f.GetAsync(id);
        after.LockedOutUntil.ShouldBeNull();
        after.FailedSignIns.ShouldBe(0);
        var entry = (await f.AuditAsync()).ShouldHaveSingleItem();
        (entry.Action, entry.Summary).ShouldBe(("user.unlocked", "Unlocked user cy@corp.example"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SignOutEverywhere_ChangesTheSecurityStampAndAuditsItWithoutTheStamp(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var id = await f.AddUserAsync("cy@corp.example", Roles.User);
        string? stampBefore;
        await using (var db = f.Context())
        {
            stampBefore = await db.Users.Where(u => u.Id == id).Select(u => u.SecurityStamp).SingleAsync(Ct);
        }

        var result = await f.RunAsync((db, users) => new SignOutEverywhere(db, users, f.Clock).RunAsync(id, revokeApiKeys: false, Ct));

        result.Status.ShouldBe(CommandStatus.Ok);
        await using (var db = f.Context())
        {
            var stampAfter = await db.Users.Where(u => u.Id == id).Select(u => u.SecurityStamp).SingleAsync(Ct);
            stampAfter.ShouldNotBe(stampBefore);
            var entry = (await f.AuditAsync()).ShouldHaveSingleItem();
            (entry.Action, entry.Summary, entry.EntityId).ShouldBe(("user.signed-out-everywhere", "Signed cy@corp.example out of every browser session", id.ToString()));
            $"{entry.BeforeJson}{entry.AfterJson}".ShouldNotContain(stampAfter!);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task FailedSignInsThatLockTheAccount_AreAuditedAsLockedOut(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);

        // Identity's lockout reads the system clock, not TimeProvider: align the fake clock with it.
        f.Clock.SetUtcNow(DateTimeOffset.UtcNow);
        var id = await f.AddUserAsync("cy@corp.example", Roles.User);
        var anonymous = new AuditActor(AuditActorKind.Anonymous, null, "anonymous");

        for (var i = 0; i < new IdentityOptions().Lockout.MaxFailedAccessAttempts; i++)
        {
            await f.RunAsync(async (db, users) => await users.AccessFailedAsync((await users.FindByIdAsync(id.ToString()))!), anonymous);
        }

        var entry = (await f.AuditAsync()).ShouldHaveSingleItem();
        entry.Action.ShouldBe("user.locked-out");
        entry.Summary.ShouldStartWith("User cy@corp.example locked out until ");
    }
}
