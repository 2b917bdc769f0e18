using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Migrations.Postgres;
using VpnPortal.Migrations.Sqlite;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Data.Tests.Migrations;

public sealed class MigrationTests
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Migrate_EmptyDatabase_AppliesEveryMigrationAndSeedsTheRoles(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateEmptyAsync(provider);
        await using var context = db.CreateContext();
        var migrations = context.Database.GetMigrations().ToList();
        migrations.ShouldContain(m => m.EndsWith("_InitialCreate"));
        migrations.ShouldContain(m => m.EndsWith("_AuditLogAppendOnly"));
        (await context.Database.GetAppliedMigrationsAsync(ct)).ShouldBeEmpty();

        await context.Database.MigrateAsync(ct);

        (await context.Database.GetAppliedMigrationsAsync(ct)).ShouldBe(migrations);
        (await context.Database.GetPendingMigrationsAsync(ct)).ShouldBeEmpty();
        var roles = await context.Roles.AsNoTracking().Select(r => r.Name).ToListAsync(ct);
        roles.Order().ShouldBe([Roles.Admin, Roles.OnCall, Roles.User]);
        (await context.Servers.CountAsync(ct)).ShouldBe(0);
        (await context.Users.CountAsync(ct)).ShouldBe(0);
        (await context.ApiKeys.CountAsync(ct)).ShouldBe(0);
        (await context.AgentCommands.CountAsync(ct)).ShouldBe(0);
        (await context.AuditEntries.CountAsync(ct)).ShouldBe(0);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Migrate_TwiceOnTheSameDatabase_ChangesNothingTheSecondTime(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await using var context = db.CreateContext();

        await context.Database.MigrateAsync(ct);

        (await context.Database.GetAppliedMigrationsAsync(ct)).ShouldBe(context.Database.GetMigrations());
        (await context.Roles.CountAsync(ct)).ShouldBe(Roles.All.Count);
    }

    // Fails when the model changed and `migrations/add-migration.sh <Name>` was not run (or ran for one provider only).
    // No server is needed: the check compares the model with the provider's snapshot.
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public void HasPendingModelChanges_CurrentModel_IsFalseForEveryProvider(string provider)
    {
        using var context = new PortalDbContext(OfflineOptions(provider).Options);

        context.Database.HasPendingModelChanges().ShouldBeFalse(
            $"The model has changes that no {provider} migration contains: run migrations/add-migration.sh <Name>.");
    }

    // The check above must be able to fail: the same model plus one column no migration knows about is detected.
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public void HasPendingModelChanges_ColumnWithoutMigration_IsTrue(string provider)
    {
        var options = OfflineOptions(provider).ReplaceService<IModelCustomizer, UnmigratedColumnCustomizer>();
        using var context = new PortalDbContext(options.Options);

        context.Database.HasPendingModelChanges().ShouldBeTrue();
    }

    [Fact]
    public void Migrations_EveryProviderHasTheSameMigrationsInTheSameOrder()
    {
        using var sqlite = new PortalDbContext(OfflineOptions(TestDatabase.Sqlite).Options);
        using var postgres = new PortalDbContext(OfflineOptions(TestDatabase.Postgres).Options);

        static List<string> Names(PortalDbContext c) => c.Database.GetMigrations().Select(id => id[(id.IndexOf('_') + 1)..]).ToList();

        Names(postgres).ShouldBe(Names(sqlite));
    }

    /// <summary>Options that never open a connection: enough for the model and the migrations assembly.</summary>
    private static DbContextOptionsBuilder<PortalDbContext> OfflineOptions(string provider)
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        _ = provider switch
        {
            TestDatabase.Sqlite => builder.UsePortalSqlite("Data Source=:memory:"),
            TestDatabase.Postgres => builder.UsePortalPostgres("Host=127.0.0.1;Database=never_opened"),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown provider"),
        };
        return builder;
    }

    private sealed class UnmigratedColumnCustomizer(ModelCustomizerDependencies dependencies) : RelationalModelCustomizer(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<RrasServer>().Property<string>("ColumnWithoutMigration").HasMaxLength(10);
        }
    }
}
