using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Users;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Users;

public sealed class UpdateUserTests
{
    /// <summary>SQLite always; PostgreSQL when VPNPORTAL_TEST_POSTGRES names a server (skipped otherwise, required on CI).</summary>
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<CommandResult> UpdateAsync(UserAdminFixture f, UpdateUser.Request request, AuditActor? actor = null) =>
        await f.RunAsync((db, users) => new UpdateUser(db, users).RunAsync(request, Ct), actor);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_RoleChange_IsAuditedAsRolesGrantedAndRevokedAgainstTheUser(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        await f.AddUserAsync("admin@corp.example", Roles.Admin);
        var id = await f.AddUserAsync("cy@corp.example", Roles.User);
        var request = UpdateUser.Request.From(await f.GetAsync(id));
        request.Roles = [Roles.Admin, Roles.OnCall];

        var result = await UpdateAsync(f, request);

        result.Status.ShouldBe(CommandStatus.Ok);
        (await f.GetAsync(id)).Roles.ShouldBe([Roles.Admin, Roles.OnCall]);
        var audit = await f.AuditAsync();
        audit.Select(a => (a.Action, a.Summary)).ShouldBe(
            [
                ("user.role-revoked", "Role User revoked from cy@corp.example"),
                ("user.role-granted", "Role Admin granted to cy@corp.example"),
                ("user.role-granted", "Role OnCall granted to cy@corp.example"),
            ],
            ignoreOrder: true);
        audit.ShouldAllBe(a => a.Actor == "ana@corp.example" && a.ActorUserId == UserAdminFixture.Ana.UserId && a.EntityType == "user" && a.EntityId == id.ToString());
        audit.Single(a => a.Summary.StartsWith("Role Admin")).AfterJson.ShouldBe("""{"Role":"Admin"}""");
        audit.Single(a => a.Summary.StartsWith("Role User")).BeforeJson.ShouldBe("""{"Role":"User"}""");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_DisplayName_IsAuditedWithBeforeAndAfter(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var id = await f.AddUserAsync("cy@corp.example", Roles.User);
        var request = UpdateUser.Request.From(await f.GetAsync(id));
        request.DisplayName = "  Cy Dahl ";

        (await UpdateAsync(f, request)).Status.ShouldBe(CommandStatus.Ok);

        (await f.GetAsync(id)).DisplayName.ShouldBe("Cy Dahl");
        var entry = (await f.AuditAsync()).ShouldHaveSingleItem();
        entry.Action.ShouldBe("user.updated");
        entry.Summary.ShouldBe("Updated user cy@corp.example: DisplayName");
        entry.BeforeJson.ShouldBe("""{"DisplayName":"cy"}""");
        entry.AfterJson.ShouldBe("""{"DisplayName":"Cy Dahl"}""");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_NothingChanged_SucceedsWithoutWritingAnything(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var id = await f.AddUserAsync("cy@corp.example", Roles.User);
        var before = await f.GetAsync(id);

        (await UpdateAsync(f, UpdateUser.Request.From(before))).Status.ShouldBe(CommandStatus.Ok);

        (await f.GetAsync(id)).ConcurrencyStamp.ShouldBe(before.ConcurrencyStamp);
        (await f.AuditAsync()).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_RemovingAdminFromTheLastEnabledAdmin_IsRefusedAndChangesNothing(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var id = await f.AddUserAsync("ana@corp.example", Roles.Admin, Roles.User);
        var request = UpdateUser.Request.From(await f.GetAsync(id));
        request.Roles = [Roles.User];
        request.DisplayName = "Ana renamed";

        var result = await UpdateAsync(f, request);

        result.Status.ShouldBe(CommandStatus.Invalid);
        result.Errors[nameof(UpdateUser.Request.Roles)].ShouldBe(
            "ana@corp.example is the last enabled admin, so you cannot remove their Admin role. Make another account an admin first.");
        var after = await f.GetAsync(id);
        after.Roles.ShouldBe([Roles.Admin, Roles.User]);
        after.DisplayName.ShouldBe("ana");
        (await f.AuditAsync()).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_RemovingAdminWhenTheOnlyOtherAdminIsDisabled_IsRefused(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var id = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        var other = await f.AddUserAsync("old-admin@corp.example", Roles.Admin);
        await using (var db = f.Context())
        {
            await db.Users.Where(u => u.Id == other).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsDisabled, true), Ct);
        }

        var request = UpdateUser.Request.From(await f.GetAsync(id));
        request.Roles = [Roles.User];

        (await UpdateAsync(f, request)).Status.ShouldBe(CommandStatus.Invalid);
        (await f.GetAsync(id)).Roles.ShouldBe([Roles.Admin]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_RemovingAdminWhileAnotherEnabledAdminRemains_Succeeds(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var id = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        await f.AddUserAsync("bo@corp.example", Roles.Admin);
        var request = UpdateUser.Request.From(await f.GetAsync(id));
        request.Roles = [Roles.OnCall];

        (await UpdateAsync(f, request)).Status.ShouldBe(CommandStatus.Ok);

        (await f.GetAsync(id)).Roles.ShouldBe([Roles.OnCall]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_TwoAdminsRemovingEachOthersAdminRoleAtOnce_LeaveAnEnabledAdmin(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var ana = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        var bo = await f.AddUserAsync("bo@corp.example", Roles.Admin);
        var demoteBo = UpdateUser.Request.From(await f.GetAsync(bo));
        var demoteAna = UpdateUser.Request.From(await f.GetAsync(ana));
        demoteBo.Roles = [Roles.User];
        demoteAna.Roles = [Roles.User];

        var results = await Task.WhenAll(UpdateAsync(f, demoteBo), UpdateAsync(f, demoteAna));

        // Whichever runs second sees the first (refused as the last admin) or collides with it (a conflict).
        results.Count(r => r.Succeeded).ShouldBe(1);
        results.Single(r => !r.Succeeded).Status.ShouldBeOneOf(CommandStatus.Invalid, CommandStatus.Conflict);
        await using var db = f.Context();
        var admins = await db.UserRoles.Join(db.Roles.Where(r => r.Name == Roles.Admin), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId).ToListAsync(Ct);
        admins.Count.ShouldBe(1);
    }

    [Fact]
    public void SerializationFailure_IsRecognisedBareInsideSaveChangesAndInsideTheExecutionStrategysWrapper()
    {
        var failure = new Npgsql.PostgresException("could not serialize access", "ERROR", "ERROR", "40001");
        var inSave = new DbUpdateException("save failed", failure);

        UserRules.IsSerializationFailure(failure).ShouldBeTrue();
        UserRules.IsSerializationFailure(inSave).ShouldBeTrue();
        UserRules.IsSerializationFailure(new InvalidOperationException("likely a transient failure", inSave)).ShouldBeTrue();
        UserRules.IsSerializationFailure(new DbUpdateException("unique", new Npgsql.PostgresException("duplicate key", "ERROR", "ERROR", "23505"))).ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_AfterSomeoneElseChangedTheUser_ReturnsConflictAndWritesNothing(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        await f.AddUserAsync("admin@corp.example", Roles.Admin);
        var id = await f.AddUserAsync("cy@corp.example", Roles.User);
        var loadedByAna = UpdateUser.Request.From(await f.GetAsync(id));

        // Bo renames the account after Ana opened it.
        var bo = new AuditActor(AuditActorKind.User, Guid.NewGuid(), "bo@corp.example");
        var bosEdit = UpdateUser.Request.From(await f.GetAsync(id));
        bosEdit.DisplayName = "Cy (Bo's edit)";
        (await UpdateAsync(f, bosEdit, bo)).Status.ShouldBe(CommandStatus.Ok);
        var afterBo = await f.GetAsync(id);

        loadedByAna.DisplayName = "Cy (Ana's edit)";
        loadedByAna.Roles = [Roles.Admin];
        var result = await UpdateAsync(f, loadedByAna);

        result.Status.ShouldBe(CommandStatus.Conflict);
        result.Messages.ShouldBe([CommandResult.ConflictMessage]);
        CommandResult.ConflictMessage.ShouldContain("changed by someone else");
        var now = await f.GetAsync(id);
        now.ShouldBeEquivalentTo(afterBo);
        now.Roles.ShouldBe([Roles.User]);
        (await f.AuditAsync()).ShouldAllBe(a => a.Actor == "bo@corp.example");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_NoRolesOrBadName_IsRefusedPerField(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var id = await f.AddUserAsync("cy@corp.example", Roles.User);
        var request = UpdateUser.Request.From(await f.GetAsync(id));
        request.Roles = [];
        request.DisplayName = new string('x', 101);

        var result = await UpdateAsync(f, request);

        result.Errors.Keys.ShouldBe([nameof(UpdateUser.Request.DisplayName), nameof(UpdateUser.Request.Roles)], ignoreOrder: true);
    }
}
