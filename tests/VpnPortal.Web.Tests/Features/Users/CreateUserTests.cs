using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Users;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Users;

public sealed class CreateUserTests
{
    /// <summary>SQLite always; PostgreSQL when VPNPORTAL_TEST_POSTGRES names a server (skipped otherwise, required on CI).</summary>
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CreateUser.Request Valid(string email = "bo@corp.example") => new()
    {
        Email = email,
        DisplayName = "Bo Berg",
        Password = "a long enough password",
        Roles = [Roles.OnCall, Roles.User],
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_ValidRequest_CreatesEnabledAccountWithItsRolesAndAuditsIt(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);

        var result = await f.RunAsync((db, users) => new CreateUser(db, users, f.Clock).RunAsync(Valid(), Ct));

        result.Status.ShouldBe(CommandStatus.Ok);
        var user = await f.GetAsync(result.Id!.Value);
        user.Email.ShouldBe("bo@corp.example");
        user.DisplayName.ShouldBe("Bo Berg");
        user.Roles.ShouldBe([Roles.OnCall, Roles.User]);
        user.IsDisabled.ShouldBeFalse();
        user.CreatedAt.ShouldBe(f.Clock.GetUtcNow());

        var audit = await f.AuditAsync();
        audit.Select(a => a.Summary).ShouldBe(
            ["Created user bo@corp.example", "Role OnCall granted to bo@corp.example", "Role User granted to bo@corp.example"],
            ignoreOrder: true);
        audit.ShouldAllBe(a => a.Actor == "ana@corp.example" && a.EntityType == "user" && a.EntityId == user.Id.ToString());
        audit.Single(a => a.Action == "user.created").AfterJson!.ShouldNotContain("PasswordHash");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_InvalidEmailMissingNameAndNoRoles_ReturnsAnErrorPerFieldAndWritesNothing(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);

        var result = await f.RunAsync((db, users) => new CreateUser(db, users, f.Clock).RunAsync(
            new CreateUser.Request { Email = "not an address", DisplayName = " ", Password = "a long enough password", Roles = [] }, Ct));

        result.Status.ShouldBe(CommandStatus.Invalid);
        result.Errors.Keys.ShouldBe([nameof(CreateUser.Request.Email), nameof(CreateUser.Request.DisplayName), nameof(CreateUser.Request.Roles)], ignoreOrder: true);
        await using var check = f.Context();
        (await check.Users.CountAsync(Ct)).ShouldBe(0);
        (await check.AuditEntries.CountAsync(Ct)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_UnknownRole_IsRefusedUnderRoles(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var request = Valid();
        request.Roles = ["Superuser"];

        var result = await f.RunAsync((db, users) => new CreateUser(db, users, f.Clock).RunAsync(request, Ct));

        result.Errors[nameof(CreateUser.Request.Roles)].ShouldContain("'Superuser' is not a role");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_PasswordShorterThanTwelve_IsRefusedUnderPasswordAndWritesNothing(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        var request = Valid();
        request.Password = "short1";

        var result = await f.RunAsync((db, users) => new CreateUser(db, users, f.Clock).RunAsync(request, Ct));

        result.Status.ShouldBe(CommandStatus.Invalid);
        result.Errors.Keys.ShouldBe([nameof(CreateUser.Request.Password)]);
        result.Errors[nameof(CreateUser.Request.Password)].ShouldContain("12");
        await using var check = f.Context();
        (await check.Users.CountAsync(Ct)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_EmailOfAnExistingAccountInOtherCase_IsRefusedUnderEmail(string provider)
    {
        await using var f = await UserAdminFixture.CreateAsync(provider);
        await f.AddUserAsync("bo@corp.example", Roles.User);

        var result = await f.RunAsync((db, users) => new CreateUser(db, users, f.Clock).RunAsync(Valid("BO@Corp.Example"), Ct));

        result.Status.ShouldBe(CommandStatus.Invalid);
        result.Errors[nameof(CreateUser.Request.Email)].ShouldBe("An account with the e-mail BO@Corp.Example already exists.");
        await using var check = f.Context();
        (await check.Users.CountAsync(Ct)).ShouldBe(1);
        (await f.AuditAsync()).ShouldBeEmpty();
    }
}
