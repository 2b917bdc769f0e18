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

    /// <summary>Both providers, for [Theory] tests of behaviour that may differ between them; the server's rows carry its category.</summary>
    public static TheoryData<string> Providers => new(
        new TheoryDataRow<string>(Sqlite),
        new TheoryDataRow<string>(Postgres).WithTrait(TestCategories.Trait, TestCategories.Postgres));

    /// <summary>Creates an empty database (not migrated). PostgreSQL tests skip, or fail on CI, without a server.</summary>
    public static Task<TestDatabase> CreateEmptyAsync(string provider) => provider switch
    {
        Sqlite => Task.FromResult(CreateSqlite()),
        Postgres => CreatePostgresAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown provider"),
    };

    /// <summary>
    /// A database with every migration applied, copied from a template migrated once per test process (the SQLite file is
    /// copied; PostgreSQL makes it with CREATE DATABASE ... TEMPLATE): the migrations themselves are tested on empty
    /// databases (<see cref="CreateEmptyAsync"/>), and running all of them again for each test only costs time.
    /// </summary>
    public static async Task<TestDatabase> CreateMigratedAsync(string provider)
    {
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
