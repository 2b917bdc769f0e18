using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Migrations.Postgres;
using VpnPortal.Migrations.Sqlite;
using VpnPortal.Migrations.SqlServer;
using Xunit;

namespace VpnPortal.Testing;

/// <summary>
/// A real, empty portal database for one test: a fresh SQLite file, a fresh PostgreSQL database on the server named by
/// VPNPORTAL_TEST_POSTGRES, or a fresh SQL Server database on the one named by VPNPORTAL_TEST_SQLSERVER. Nothing is
/// shared between tests.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string Sqlite = SqliteProvider.Name;
    public const string Postgres = PostgresProvider.Name;
    public const string SqlServer = SqlServerProvider.Name;

    private readonly Action? _drop;

    private TestDatabase(string provider, string connectionString, Action? drop)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _drop = drop;
    }

    /// <summary>"Sqlite", "Postgres" or "SqlServer", as the portal's Database:Provider setting spells it.</summary>
    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>
    /// Every provider, for [Theory] tests of behaviour that may differ between them; the servers' rows carry their
    /// category. The SQL Server rows are skipped, with the reason, unless VPNPORTAL_TEST_SQLSERVER is set.
    /// </summary>
    public static TheoryData<string> Providers => new(
        new TheoryDataRow<string>(Sqlite),
        new TheoryDataRow<string>(Postgres).WithTrait(TestCategories.Trait, TestCategories.Postgres),
        new TheoryDataRow<string>(SqlServer) { Skip = SqlServerServer.ConnectionString is null ? SqlServerServer.SkipReason : null }
            .WithTrait(TestCategories.Trait, TestCategories.SqlServer));

    /// <summary>
    /// Creates an empty database (not migrated). PostgreSQL tests skip, or fail on CI, without a server; SQL Server tests
    /// skip without one.
    /// </summary>
    public static Task<TestDatabase> CreateEmptyAsync(string provider) => provider switch
    {
        Sqlite => Task.FromResult(CreateSqlite()),
        Postgres => CreatePostgresAsync(),
        SqlServer => CreateSqlServerAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown provider"),
    };

    /// <summary>
    /// A database with every migration applied, copied from a template migrated once per test process (the SQLite file is
    /// copied; PostgreSQL makes it with CREATE DATABASE ... TEMPLATE): the migrations themselves are tested on empty
    /// databases (<see cref="CreateEmptyAsync"/>), and running all of them again for each test only costs time.
    /// SQL Server has no template database and runs nowhere the suite's time is measured: there each database is migrated.
    /// </summary>
    public static async Task<TestDatabase> CreateMigratedAsync(string provider)
    {
        if (provider == SqlServer)
        {
            var database = await CreateSqlServerAsync();
            await using var context = database.CreateContext();
            await context.Database.MigrateAsync();
            return database;
        }

        var template = await TemplateAsync(provider);
        return provider == Sqlite ? CreateSqlite(copyOf: template) : await CreatePostgresAsync(template);
    }

    private static readonly SemaphoreSlim TemplatesLock = new(1, 1);
    private static readonly Dictionary<string, string> Templates = [];

    /// <summary>The migrated template of <paramref name="provider"/>: a SQLite file or a PostgreSQL database name.</summary>
    private static async Task<string> TemplateAsync(string provider)
    {
        await TemplatesLock.WaitAsync();
        try
        {
            if (Templates.TryGetValue(provider, out var made))
            {
                return made;
            }

            var template = await CreateEmptyAsync(provider);
            try
            {
                await using (var context = template.CreateContext())
                {
                    await context.Database.MigrateAsync();
                }

                if (provider == Postgres)
                {
                    // CREATE DATABASE ... TEMPLATE refuses a template anyone is connected to, a pooled connection included.
                    await using var pooled = new NpgsqlConnection(template.ConnectionString);
                    NpgsqlConnection.ClearPool(pooled);
                }
            }
            catch
            {
                await template.DisposeAsync();
                throw;
            }

            // Kept for the whole run, then dropped like any test database.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => template.DisposeAsync().AsTask().GetAwaiter().GetResult();
            var name = provider == Sqlite
                ? new SqliteConnectionStringBuilder(template.ConnectionString).DataSource
                : new NpgsqlConnectionStringBuilder(template.ConnectionString).Database!;
            Templates[provider] = name;
            return name;
        }
        finally
        {
            TemplatesLock.Release();
        }
    }

    /// <summary>Options for a context on this database; <paramref name="interceptors"/> let a test step in at a chosen moment.</summary>
    public DbContextOptions<PortalDbContext> Options(params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>().AddInterceptors(interceptors);
        _ = Provider switch
        {
            Sqlite => builder.UsePortalSqlite(ConnectionString),
            SqlServer => builder.UsePortalSqlServer(ConnectionString),
            _ => builder.UsePortalPostgres(ConnectionString),
        };

        return builder.Options;
    }

    public PortalDbContext CreateContext(AuditActor? actor = null, TimeProvider? time = null) =>
        new(Options(), actor is null ? null : new FixedAuditActorAccessor(actor), time);

    public ValueTask DisposeAsync()
    {
        _drop?.Invoke();
        return ValueTask.CompletedTask;
    }

    private static TestDatabase CreateSqlite(string? copyOf = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "vpnportal-tests");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{Guid.NewGuid():N}.db");
        if (copyOf is not null)
        {
            // The template's connections are closed (no pooling), so its journal is folded into the file.
            File.Copy(copyOf, file);
        }

        var cs = new SqliteConnectionStringBuilder { DataSource = file, ForeignKeys = true, Pooling = false }.ToString();
        return new TestDatabase(Sqlite, cs, () =>
        {
            foreach (var f in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(f);
            }
        });
    }

    private static async Task<TestDatabase> CreatePostgresAsync(string? template = null)
    {
        var server = PostgresServer.RequireConnectionString();
        var name = $"vpnportal_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand(template is null ? $"CREATE DATABASE \"{name}\"" : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        // Pooled, as the portal runs: a server process forked for each of the thousands of connections a run opens costs
        // the PostgreSQL server more CPU than the tests themselves. The pool is emptied before the database is dropped.
        var cs = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
        return new TestDatabase(Postgres, cs, () =>
        {
            using (var pooled = new NpgsqlConnection(cs))
            {
                NpgsqlConnection.ClearPool(pooled);
            }

            using var admin = new NpgsqlConnection(server);
            admin.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            drop.ExecuteNonQuery();
        });
    }

    private static async Task<TestDatabase> CreateSqlServerAsync()
    {
        var server = new SqlConnectionStringBuilder(SqlServerServer.RequireConnectionString());
        var master = new SqlConnectionStringBuilder(server.ConnectionString) { InitialCatalog = "master", Pooling = false }.ConnectionString;
        var name = $"vpnportal_test_{Guid.NewGuid():N}";
        await using (var admin = new SqlConnection(master))
        {
            await admin.OpenAsync();
            await using var create = new SqlCommand($"CREATE DATABASE [{name}]", admin);
            await create.ExecuteNonQueryAsync();
        }

        var cs = new SqlConnectionStringBuilder(server.ConnectionString) { InitialCatalog = name, Pooling = false }.ConnectionString;
        return new TestDatabase(SqlServer, cs, () =>
        {
            using var admin = new SqlConnection(master);
            admin.Open();
            using var drop = new SqlCommand(
                $"IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END", admin);
            drop.ExecuteNonQuery();
        });
    }
}
