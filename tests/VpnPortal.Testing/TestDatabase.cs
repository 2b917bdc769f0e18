using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Migrations.Postgres;
using VpnPortal.Migrations.Sqlite;
using Xunit;

namespace VpnPortal.Testing;

/// <summary>
/// A real, empty portal database for one test: a fresh SQLite file or a fresh PostgreSQL database on the
/// server named by VPNPORTAL_TEST_POSTGRES. Nothing is shared between tests.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string Sqlite = SqliteProvider.Name;
    public const string Postgres = PostgresProvider.Name;

    private readonly Action? _drop;

    private TestDatabase(string provider, string connectionString, Action? drop)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _drop = drop;
    }

    /// <summary>"Sqlite" or "Postgres", as the portal's Database:Provider setting spells it.</summary>
    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>Both providers, for [Theory] tests of behaviour that may differ between them.</summary>
    public static TheoryData<string> Providers => new(Sqlite, Postgres);

    /// <summary>Creates an empty database (not migrated). PostgreSQL tests skip, or fail on CI, without a server.</summary>
    public static Task<TestDatabase> CreateEmptyAsync(string provider) => provider switch
    {
        Sqlite => Task.FromResult(CreateSqlite()),
        Postgres => CreatePostgresAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown provider"),
    };

    /// <summary>Creates a database and applies every migration.</summary>
    public static async Task<TestDatabase> CreateMigratedAsync(string provider)
    {
        var db = await CreateEmptyAsync(provider);
        try
        {
            await using var context = db.CreateContext();
            await context.Database.MigrateAsync(TestContext.Current.CancellationToken);
            return db;
        }
        catch
        {
            // The caller never gets the database to dispose: drop it here, or every failed run leaves one behind.
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>Options for a context on this database; <paramref name="interceptors"/> let a test step in at a chosen moment.</summary>
    public DbContextOptions<PortalDbContext> Options(params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>().AddInterceptors(interceptors);
        if (Provider == Sqlite)
        {
            builder.UsePortalSqlite(ConnectionString);
        }
        else
        {
            builder.UsePortalPostgres(ConnectionString);
        }

        return builder.Options;
    }

    public PortalDbContext CreateContext(AuditActor? actor = null, TimeProvider? time = null) =>
        new(Options(), actor is null ? null : new FixedAuditActorAccessor(actor), time);

    public ValueTask DisposeAsync()
    {
        _drop?.Invoke();
        return ValueTask.CompletedTask;
    }

    private static TestDatabase CreateSqlite()
    {
        var folder = Path.Combine(Path.GetTempPath(), "vpnportal-tests");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{Guid.NewGuid():N}.db");
        var cs = new SqliteConnectionStringBuilder { DataSource = file, ForeignKeys = true, Pooling = false }.ToString();
        return new TestDatabase(Sqlite, cs, () =>
        {
            foreach (var f in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(f);
            }
        });
    }

    private static async Task<TestDatabase> CreatePostgresAsync()
    {
        var server = PostgresServer.RequireConnectionString();
        var name = $"vpnportal_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var cs = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ToString();
        return new TestDatabase(Postgres, cs, () =>
        {
            using var admin = new NpgsqlConnection(server);
            admin.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            drop.ExecuteNonQuery();
        });
    }
}
