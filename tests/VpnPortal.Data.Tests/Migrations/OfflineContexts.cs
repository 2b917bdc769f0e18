using Microsoft.EntityFrameworkCore;
using VpnPortal.Migrations.Postgres;
using VpnPortal.Migrations.Sqlite;
using VpnPortal.Migrations.SqlServer;

namespace VpnPortal.Data.Tests.Migrations;

/// <summary>Contexts on each provider that never open a connection: enough for the model, the migrations and their SQL.</summary>
internal static class OfflineContexts
{
    /// <summary>Every provider the portal has, whether or not a server for it is at hand.</summary>
    public static readonly string[] Providers = [SqliteProvider.Name, SqlServerProvider.Name, PostgresProvider.Name];

    /// <summary>A SQL Server that is never there: nothing listens on port 1.</summary>
    public const string NoSqlServer = "Server=tcp:127.0.0.1,1;Database=never_opened;Connect Timeout=1";

    public static DbContextOptionsBuilder<PortalDbContext> Options(string provider)
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        _ = provider switch
        {
            SqliteProvider.Name => builder.UsePortalSqlite("Data Source=:memory:"),
            PostgresProvider.Name => builder.UsePortalPostgres("Host=127.0.0.1;Database=never_opened"),
            SqlServerProvider.Name => builder.UsePortalSqlServer(NoSqlServer),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown provider"),
        };
        return builder;
    }

    public static PortalDbContext Create(string provider) => new(Options(provider).Options);
}
