using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Migrations.SqlServer;
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
        // SQL Server's history begins with the schema the others had built by then.
        migrations[0].ShouldEndWith(provider == TestDatabase.SqlServer ? "_InitialSchema" : "_InitialCreate");
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

    /// <summary>Every provider, also one no test database runs on here: these checks never open a connection.</summary>
    public static TheoryData<string> OfflineProviders => new(OfflineContexts.Providers);

    // Fails when the model changed and `migrations/add-migration.sh <Name>` was not run (or ran for one provider only).
    // No server is needed: the check compares the model with the provider's snapshot.
    [Theory, MemberData(nameof(OfflineProviders))]
    public void HasPendingModelChanges_CurrentModel_IsFalseForEveryProvider(string provider)
    {
        using var context = OfflineContexts.Create(provider);

        context.Database.HasPendingModelChanges().ShouldBeFalse(
            $"The model has changes that no {provider} migration contains: run migrations/add-migration.sh <Name>.");
    }

    // The check above must be able to fail: the same model plus one column no migration knows about is detected.
    [Theory, MemberData(nameof(OfflineProviders))]
    public void HasPendingModelChanges_ColumnWithoutMigration_IsTrue(string provider)
    {
        var options = OfflineContexts.Options(provider).ReplaceService<IModelCustomizer, UnmigratedColumnCustomizer>();
        using var context = new PortalDbContext(options.Options);

        context.Database.HasPendingModelChanges().ShouldBeTrue();
    }

    [Fact]
    public void Migrations_EveryProviderHasTheSameMigrationsInTheSameOrder()
    {
        using var sqlite = OfflineContexts.Create(TestDatabase.Sqlite);
        using var postgres = OfflineContexts.Create(TestDatabase.Postgres);

        Names(postgres).ShouldBe(Names(sqlite));
    }

    // SQL Server's history starts later, with one migration creating the schema the others had built by then (and its own
    // trigger and Quartz tables); every migration since must be on SQL Server too, in the same order.
    [Fact]
    public void Migrations_SqlServerHasEveryMigrationSinceItsInitialSchema()
    {
        using var sqlite = OfflineContexts.Create(TestDatabase.Sqlite);
        using var sqlServer = OfflineContexts.Create(SqlServerProvider.Name);

        SinceSqlServerBegan(Names(sqlite), Names(sqlServer)).ShouldBeTrue(
            "Every migration added after the SQL Server baseline must exist for SQL Server too: run migrations/add-migration.sh <Name>.");
    }

    // The check above must be able to fail: a migration added to the other providers alone is found.
    [Fact]
    public void Migrations_AMigrationMissingOnSqlServer_IsFound()
    {
        using var sqlite = OfflineContexts.Create(TestDatabase.Sqlite);
        using var sqlServer = OfflineContexts.Create(SqlServerProvider.Name);

        SinceSqlServerBegan([.. Names(sqlite), "AddedForTwoProvidersOnly"], Names(sqlServer)).ShouldBeFalse();
    }

    /// <summary>The other providers' last migration that SQL Server's initial schema already contains.</summary>
    private const string SqlServerBaseline = "ApiKeyExpiry";

    /// <summary>SQL Server's own first migrations: the schema up to the baseline, the append-only trigger, Quartz's tables.</summary>
    private static readonly string[] SqlServerBeginning = ["InitialSchema", "AuditLogAppendOnly", "AddQuartzScheduler"];

    private static bool SinceSqlServerBegan(List<string> others, List<string> sqlServer) =>
        others.Contains(SqlServerBaseline)
        && sqlServer.Take(SqlServerBeginning.Length).SequenceEqual(SqlServerBeginning)
        && others.SkipWhile(n => n != SqlServerBaseline).Skip(1).SequenceEqual(sqlServer.Skip(SqlServerBeginning.Length));

    private static List<string> Names(PortalDbContext c) => c.Database.GetMigrations().Select(id => id[(id.IndexOf('_') + 1)..]).ToList();

    private sealed class UnmigratedColumnCustomizer(ModelCustomizerDependencies dependencies) : RelationalModelCustomizer(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<RrasServer>().Property<string>("ColumnWithoutMigration").HasMaxLength(10);
        }
    }
}
