using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Account;
using VpnPortal.Web.Features.Me;
using VpnPortal.Web.Features.MfaMethods;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Features.Users;
using VpnPortal.Web.Security;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Users;

/// <summary>
/// A migrated database, a fake clock and Identity configured as the portal configures it; each handler
/// runs on a fresh context with its own user manager, as a page's operation does.
/// </summary>
internal sealed class UserAdminFixture : IAsyncDisposable
{
    public static readonly AuditActor Ana = new(AuditActorKind.User, Guid.Parse("a0000000-0000-0000-0000-00000000000a"), "ana@corp.example");

    private readonly ServiceProvider _services;

    private UserAdminFixture(TestDatabase database)
    {
        Database = database;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddIdentityCore<PortalUser>(PortalIdentity.AccountRules)
            .AddRoles<PortalRole>()
            .AddEntityFrameworkStores<PortalDbContext>();
        services.AddOptions<ApiKeyOptions>();
        services.AddOptions<MfaOptions>();
        services.AddSingleton<RecentSignIn>();
        services.AddSingleton<INotificationOutbox, NotificationOutbox>();
        _services = services.BuildServiceProvider();
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Clock { get; } = new(TestClock.Start);

    /// <summary>A fresh migrated database on <paramref name="provider"/> (PostgreSQL tests skip without a server, except on CI).</summary>
    public static async Task<UserAdminFixture> CreateAsync(string provider) => new(await TestDatabase.CreateMigratedAsync(provider));

    /// <summary>A context whose changes are audited as <paramref name="actor"/> (Ana by default).</summary>
    public PortalDbContext Context(AuditActor? actor = null) => Database.CreateContext(actor ?? Ana, Clock);

    public UserManager<PortalUser> UsersOn(PortalDbContext db) => PortalIdentity.UserManagerFor(_services, db);

    /// <summary>Adds an account through the real handler, as the CLI would, so it starts with an audited history.</summary>
    public async Task<Guid> AddUserAsync(string email, params string[] roles)
    {
        await using var db = Context(new AuditActor(AuditActorKind.Cli, null, "cli (test setup)"));
        using var users = UsersOn(db);
        var result = await new CreateUser(db, users, Clock).RunAsync(new CreateUser.Request
        {
            Email = email,
            DisplayName = email.Split('@')[0],
            Password = "correct horse battery",
            Roles = [.. roles],
        }, TestContext.Current.CancellationToken);
        result.Status.ShouldBe(CommandStatus.Ok, string.Join("; ", result.Messages));
        return result.Id!.Value;
    }

    /// <summary>An API key for the account, as its owner would create it on the API keys page.</summary>
    public async Task<string> AddApiKeyAsync(Guid userId)
    {
        await using var db = Context();
        var created = await ActivatorUtilities.CreateInstance<ApiKeys>(_services, db).CreateAsync(userId, "tests", lifetime: null, TestContext.Current.CancellationToken);
        return created.Value?.Key ?? throw new InvalidOperationException(created.Error);
    }

    public async Task<GetUser.Detail> GetAsync(Guid id)
    {
        await using var db = Context();
        return (await new GetUser(db, Clock).RunAsync(id, TestContext.Current.CancellationToken))!;
    }

    /// <summary>Audit entries not written by the test setup, oldest first.</summary>
    public async Task<List<AuditEntry>> AuditAsync()
    {
        await using var db = Context();
        return await db.AuditEntries.AsNoTracking().Where(a => !a.Actor.StartsWith("cli")).OrderBy(a => a.Id).ToListAsync(TestContext.Current.CancellationToken);
    }

    public async Task<T> RunAsync<T>(Func<PortalDbContext, UserManager<PortalUser>, Task<T>> operation, AuditActor? actor = null)
    {
        await using var db = Context(actor);
        using var users = UsersOn(db);
        return await operation(db, users);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Database.DisposeAsync();
    }
}
