using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Users;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Users;

public sealed class UsersPageTests : IAsyncLifetime
{
    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _ctx = await PortalComponentContext.CreateAsync();

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public async Task Users_ListWithRolesAsChips_SearchNarrowsThem_AndANameSortIsTheDatabases()
    {
        await AddUserAsync("Zoe Adams", "ana@corp.example", Roles.Admin, Roles.User);
        await AddUserAsync("Ben Okafor", "ben@corp.example", Roles.OnCall);
        await AddUserAsync("Cem Yilmaz", "cem@corp.example");

        var cut = _ctx.Bunit.Render<UsersPage>();

        cut.WaitForAssertion(() => Names(cut).ShouldBe(["Zoe Adams", "Ben Okafor", "Cem Yilmaz"], "e-mail order first"));
        cut.Find("#user-count").TextContent.ShouldBe("3 users");
        var ana = cut.FindAll(".user-grid tbody tr").First();
        ana.QuerySelectorAll(".mud-chip").Select(c => c.TextContent.Trim()).ShouldContain("Admin");
        ana.QuerySelectorAll(".mud-chip").Select(c => c.TextContent.Trim()).ShouldContain("User");

        var grid = cut.FindComponent<MudDataGrid<ListUsers.UserRow>>();
        await cut.InvokeAsync(() => grid.Instance.SetSortAsync(nameof(ListUsers.UserRow.DisplayName), MudBlazor.SortDirection.Ascending, u => u.DisplayName));
        cut.WaitForAssertion(() => Names(cut).ShouldBe(["Ben Okafor", "Cem Yilmaz", "Zoe Adams"]));

        cut.Find("#user-search").Input("yil");
        // The search waits for typing to pause, on the portal's clock (MudBlazor's debounce takes the TimeProvider).
        _ctx.Time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Names(cut).ShouldBe(["Cem Yilmaz"]));
        cut.Find("#user-count").TextContent.ShouldBe("1 user");
    }

    private static List<string> Names(IRenderedComponent<UsersPage> cut) =>
        cut.FindAll(".user-grid tbody tr a").Select(a => a.TextContent.Trim()).ToList();

    private async Task AddUserAsync(string name, string email, params string[] roles)
    {
        await using var db = _ctx.Db();
        var id = Guid.NewGuid();
        db.Users.Add(new PortalUser
        {
            Id = id,
            UserName = email,
            Email = email,
            DisplayName = name,
            NormalizedEmail = email.ToUpperInvariant(),
            NormalizedUserName = email.ToUpperInvariant(),
            CreatedAt = _ctx.Time.GetUtcNow(),
        });
        foreach (var role in roles)
        {
            var roleId = (await db.Roles.SingleAsync(r => r.Name == role, Ct)).Id;
            db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = id, RoleId = roleId });
        }

        await db.SaveChangesAsync(Ct);
    }
}
