using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using VpnPortal.Data;

namespace VpnPortal.Migrations.Postgres;

/// <summary>The server database for Linux hosts and the provider the server-database tests run on.</summary>
public static class PostgresProvider
{
    public const string Name = "Postgres";

    public static DbContextOptionsBuilder UsePortalPostgres(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(typeof(PostgresProvider).Assembly.GetName().Name));
}

/// <summary>Used by dotnet-ef only; the connection string is never opened for `migrations add`.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalPostgres(args.FirstOrDefault() ?? "Host=localhost;Database=vpnportal_design");
        return new PortalDbContext(options.Options);
    }
}
