using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using VpnPortal.Data;

namespace VpnPortal.Migrations.Sqlite;

/// <summary>The embedded default provider: a SQLite file, migrated on start.</summary>
public static class SqliteProvider
{
    public const string Name = "Sqlite";

    public static DbContextOptionsBuilder UsePortalSqlite(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString, o => o.MigrationsAssembly(typeof(SqliteProvider).Assembly.GetName().Name));
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
