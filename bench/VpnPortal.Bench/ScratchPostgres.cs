using Npgsql;

namespace VpnPortal.Bench;

/// <summary>A benchmark's own PostgreSQL database: made empty on the server a connection string names, dropped afterwards.</summary>
internal static class ScratchPostgres
{
    /// <summary>Runs <paramref name="run"/> with a fresh database's connection string, or with null (SQLite) when <paramref name="server"/> is null.</summary>
    public static async Task RunAsync(string? server, Func<string?, Task> run)
    {
        if (server is null)
        {
            await run(null);
            return;
        }

        var database = "vpnportal_bench_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(server, $"CREATE DATABASE \"{database}\"");
        try
        {
            await run(new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var admin = new NpgsqlConnection(connectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync();
    }
}
