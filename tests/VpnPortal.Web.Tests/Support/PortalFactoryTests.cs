using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Web.Tests.Support;

/// <summary>The factory the other tests rely on really isolates them: its own database, its own clock.</summary>
public sealed class PortalFactoryTests
{
    [Fact]
    public async Task Factory_Started_MigratesAndUsesItsOwnDatabase()
    {
        // An empty database, as a new installation has: the portal migrates it at start.
        await using var empty = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        await using var first = await PortalFactory.StartOnAsync(empty);
        await using var second = await PortalFactory.StartAsync();

        var user = await first.CreateUserAsync(Roles.OnCall);

        first.Database.ConnectionString.ShouldNotBe(second.Database.ConnectionString);
        await using var firstDb = first.Database.CreateContext();
        await using var secondDb = second.Database.CreateContext();
        (await firstDb.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken)).ShouldBeEmpty("the portal migrates its database at start");
        (await firstDb.Users.SingleAsync(TestContext.Current.CancellationToken)).Id.ShouldBe(user.Id);
        (await secondDb.Users.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
    }

    [Fact]
    public async Task Factory_WithFakeClock_PortalReadsTimeFromIt()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero));
        await using var portal = await PortalFactory.StartAsync(time: clock);

        var user = await portal.CreateUserAsync(Roles.User);

        portal.Services.GetRequiredService<TimeProvider>().ShouldBeSameAs(clock);
        var stored = await portal.InScopeAsync(sp => sp.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(user.Id.ToString()));
        stored!.CreatedAt.ShouldBe(clock.GetUtcNow());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task SignIn_ThroughTheRealForm_SetsTheAuthCookieAndOpensSelfServicePages(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var user = await portal.CreateUserAsync(Roles.User);

        using var browser = await portal.SignInAsync(user);
        using var me = await browser.GetAsync("/me");

        me.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        (await me.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain(user.Email);
    }
}
