using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Migrations.Postgres;
using VpnPortal.Migrations.Sqlite;
using VpnPortal.Migrations.SqlServer;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Hosting;

public static class PortalDatabase
{
    /// <summary>
    /// Registers <see cref="PortalDbContext"/> on the configured provider, with its migrations assembly.
    /// Configuration is read when the first context is made, so settings added late (tests, hosting) count.
    /// </summary>
    public static IServiceCollection AddPortalDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<CurrentActor>();
        services.AddScoped<ActionScopes>();
        services.AddScoped<IAuditActorAccessor>(sp => sp.GetRequiredService<CurrentActor>());
        // Scoped factory: contexts made for a Blazor circuit get the circuit's actor; also registers the context as scoped.
        services.AddDbContextFactory<PortalDbContext>(
            (sp, b) => Configure(b, sp.GetRequiredService<IOptions<DatabaseOptions>>().Value, sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>().ContentRootPath),
            ServiceLifetime.Scoped);
        // Keys in the portal database and one application name on every node, so nodes sharing the database read each
        // other's protected data (cookies, antiforgery tokens, stored secrets).
        services.AddDataProtection().SetApplicationName("VpnPortal").PersistKeysToDbContext<PortalDbContext>();
        services.AddKeyEncryption();
        return services;
    }

    private static void Configure(DbContextOptionsBuilder builder, DatabaseOptions options, IConfiguration configuration, string contentRoot)
    {
        var connectionString = options.ConnectionString ?? configuration.GetConnectionString("Portal");
        switch (options.Provider)
        {
            case SqliteProvider.Name:
                builder.UsePortalSqlite(SqliteConnectionString(connectionString, contentRoot));
                break;
            case SqlServerProvider.Name when !string.IsNullOrWhiteSpace(connectionString):
                builder.UsePortalSqlServer(connectionString);
                break;
            case PostgresProvider.Name when !string.IsNullOrWhiteSpace(connectionString):
                builder.UsePortalPostgres(connectionString);
                break;
            case SqlServerProvider.Name or PostgresProvider.Name:
                throw new InvalidOperationException($"Database:Provider is {options.Provider} but no connection string is set (Database:ConnectionString or ConnectionStrings:Portal).");
            default:
                throw new InvalidOperationException($"Database:Provider '{options.Provider}' is not supported. Use Sqlite, SqlServer or Postgres.");
        }
    }

    /// <summary>
    /// Applies every pending migration (never EnsureCreated). A SQL Server that cannot be reached, or refuses the sign-in,
    /// comes up as <see cref="DatabaseUnreachableException"/> naming the server, not as the driver's stack.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        if (db.Database.IsSqlite())
        {
            await BackUpBeforeUpgradeAsync(db, scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PortalDatabase)), cancellationToken);
        }

        try
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        catch (Exception e) when (db.IsSqlServer && SqlServerProvider.DescribeUnreachable(e, db.Database.GetConnectionString() ?? "") is { } problem)
        {
            throw new DatabaseUnreachableException(problem, e);
        }
    }

    /// <summary>
    /// Before migrations change an existing SQLite database, a copy of it: SQLite rebuilds a changed table outside the
    /// migration's transaction, so a portal stopped in the middle could leave the file half upgraded, and the copy is
    /// what to go back to. A new (empty) database needs none.
    /// </summary>
    private static async Task BackUpBeforeUpgradeAsync(PortalDbContext db, ILogger logger, CancellationToken ct)
    {
        var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToList();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        if (applied.Count == 0 || pending.Count == 0 || file == ":memory:")
        {
            return;
        }

        var backup = $"{file}.before-{pending[^1]}";
        if (File.Exists(backup))
        {
            // An earlier attempt at the same upgrade stopped: its copy is from before it began, this file may not be.
            logger.LogInformation("Keeping {Backup}, copied before an earlier attempt at these {Count} migrations", backup, pending.Count);
            return;
        }

        await db.Database.ExecuteSqlAsync($"VACUUM INTO {backup}", ct);
        logger.LogInformation("Copied the database to {Backup} before applying {Count} migrations to it", backup, pending.Count);
    }

    /// <summary>The SQLite connection string with a relative file resolved under the content root, as the portal opens it.</summary>
    public static string SqliteFile(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(configured ?? "Data Source=data/vpnportal.db");
        if (!Path.IsPathRooted(builder.DataSource) && builder.DataSource != ":memory:")
        {
            builder.DataSource = Path.Combine(contentRoot, builder.DataSource);
        }

        return builder.ToString();
    }

    private static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(SqliteFile(configured, contentRoot));

        var folder = Path.GetDirectoryName(builder.DataSource);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        // Foreign keys on, and wait rather than fail when another connection (the admin CLI) holds the write lock.
        builder.ForeignKeys = true;
        builder.DefaultTimeout = 30;
        return builder.ToString();
    }
}

/// <summary>The portal's database could not be reached at start; the message says where and what to check.</summary>
public sealed class DatabaseUnreachableException(string message, Exception inner) : Exception(message, inner);
