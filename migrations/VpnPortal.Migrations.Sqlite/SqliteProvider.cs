using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using VpnPortal.Data;

namespace VpnPortal.Migrations.Sqlite;

/// <summary>The embedded default provider: a SQLite file, migrated on start.</summary>
public static class SqliteProvider
{
    public const string Name = "Sqlite";

    /// <remarks>
    /// SQLite changes a column by rebuilding its table between PRAGMA foreign_keys = 0 and 1, which cannot run in the
    /// migration's transaction; EF warns of it at every such migration. The portal backs the file up before it upgrades
    /// an existing database (PortalDatabase.MigrateAsync), so the warning is logged as information.
    /// </remarks>
    public static DbContextOptionsBuilder UsePortalSqlite(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString, o => o.MigrationsAssembly(typeof(SqliteProvider).Assembly.GetName().Name))
            .ConfigureWarnings(w => w.Log((RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Information)));
}

/// <summary>Used by dotnet-ef only; the connection string is never opened for `migrations add`.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalSqlite(args.FirstOrDefault() ?? "Data Source=design-time.db");
        return new PortalDbContext(options.Options);
    }
}
