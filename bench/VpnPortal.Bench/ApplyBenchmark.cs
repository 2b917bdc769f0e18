using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using VpnPortal.Agent.Runtime;
using VpnPortal.Agent.Simulation;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Web.AgentApi;

namespace VpnPortal.Bench;

/// <summary>
/// Applying one RRAS server's snapshot (the portal's ApplySnapshot, as the snapshot endpoint runs it after validation)
/// beside a raw bulk upsert of the same session rows on the same database: one multi-row INSERT ... ON CONFLICT DO
/// UPDATE in one transaction, on a copy of the sessions table, through the ADO.NET connection with no EF in between.
/// Steady state: every server has reported before, so most sessions are known and their byte counters moved.
/// </summary>
internal static class ApplyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var servers = Options.Int(args, "servers", 20);
        var sessions = Options.Int(args, "sessions", 400);
        var rounds = Options.Int(args, "rounds", 15);
        await ScratchPostgres.RunAsync(Options.String(args, "postgres"), connection => RunAsync(servers, sessions, rounds, connection));
        return 0;
    }

    private static async Task RunAsync(int servers, int sessions, int rounds, string? postgres)
    {
        var provider = postgres is null ? "SQLite" : "PostgreSQL";
        Console.WriteLine($"Snapshot apply: {servers} RRAS servers x {sessions} sessions, {rounds} rounds each, on {provider}");
        await using var portal = await InProcessPortal.StartOnAsync(postgres, "--Jobs:Enabled=false");
        using var http = AgentHttp.CreateClient();
        var fleet = await portal.EnrollFleetAsync(http, servers, new SimulationOptions { Seed = 3, TargetSessions = sessions });

        var ids = await portal.AgentsAsync();
        await using (var scope = portal.App.Services.CreateAsyncScope())
        {
            await CreateReferenceTableAsync(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
        }

        var sequence = new Dictionary<string, long>();
        var referenceIds = new Dictionary<string, Guid>();
        var apply = new List<double>();
        var reference = new List<double>();
        var first = new List<double>();
        for (var round = 0; round <= rounds; round++)
        {
            foreach (var server in fleet.RrasServers)
            {
                var next = sequence[server.MachineName] = sequence.GetValueOrDefault(server.MachineName) + 1;
                var snapshot = await InProcessPortal.SnapshotAsync(server, next);
                var serverId = ids[server.MachineName].Server;
                (round == 0 ? first : apply).Add(await portal.ApplyAsync(ids[server.MachineName], snapshot));

                await using (var scope = portal.App.Services.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
                    var ms = await UpsertAsync(db, serverId, snapshot.Rras!.Sessions, referenceIds);
                    if (round > 0)
                    {
                        reference.Add(ms);
                    }
                }
            }
        }

        first.Sort();
        apply.Sort();
        reference.Sort();
        Console.WriteLine($"  first snapshot of each server (all {sessions} sessions new): p50 {Options.Percentile(first, 0.5),6:F1} ms");
        Console.WriteLine($"  snapshot apply (ApplySnapshot):                p50 {Options.Percentile(apply, 0.5),6:F1} ms  p95 {Options.Percentile(apply, 0.95),6:F1} ms");
        Console.WriteLine($"  raw bulk upsert of the same session rows:      p50 {Options.Percentile(reference, 0.5),6:F1} ms  p95 {Options.Percentile(reference, 0.95),6:F1} ms");
        Console.WriteLine($"  ratio (apply / raw), p50: {Options.Percentile(apply, 0.5) / Options.Percentile(reference, 0.5):F2}x, p95: {Options.Percentile(apply, 0.95) / Options.Percentile(reference, 0.95):F2}x (target: at most 2x)");
    }

    private static readonly string[] Columns =
    [
        "Id", "RrasServerId", "SessionKey", "UserName", "UserNames", "IsDeviceTunnel", "HostName", "ClientExternalAddress",
        "ClientInternalAddress", "TunnelType", "AuthMethod", "ConnectionStartTime", "BytesIn", "BytesOut", "FirstSeenAt", "LastSeenAt",
    ];

    /// <summary>A table shaped like the sessions table (columns, key and indexes) for the reference upserts.</summary>
    private static async Task CreateReferenceTableAsync(PortalDbContext db)
    {
        if (db.IsSqlite)
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            var statements = new List<string>();
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT sql FROM sqlite_master WHERE tbl_name = 'VpnSessions' AND sql IS NOT NULL";
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    statements.Add(reader.GetString(0).Replace("\"VpnSessions\"", "\"BenchSessions\"", StringComparison.Ordinal)
                        .Replace("\"IX_VpnSessions_", "\"IX_BenchSessions_", StringComparison.Ordinal)
                        .Replace("\"PK_VpnSessions\"", "\"PK_BenchSessions\"", StringComparison.Ordinal)
                        .Replace("\"FK_VpnSessions_", "\"FK_BenchSessions_", StringComparison.Ordinal));
                }
            }

            foreach (var statement in statements)
            {
                await db.Database.ExecuteSqlRawAsync(statement);
            }
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE \"BenchSessions\" (LIKE \"VpnSessions\" INCLUDING ALL)");
        }
    }

    /// <summary>
    /// The raw reference, each database its fastest plain way: on SQLite one prepared single-row statement run for every
    /// row (SQLite is in the process: a statement costs no round trip, while binding thousands of parameters to one
    /// statement costs more than it saves); on PostgreSQL one batch of single-row statements (one round trip; a
    /// multi-row statement with thousands of parameters takes the server longer to plan than the batch to run).
    /// </summary>
    private static async Task<double> UpsertAsync(PortalDbContext db, Guid serverId, IReadOnlyList<ReportedSession> sessions, Dictionary<string, Guid> ids)
    {
        var sqlite = db.IsSqlite;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        var now = DateTimeOffset.UtcNow;
        var rows = sessions
            .Select(s => (Key: ApplySnapshot.SessionKeyOf(s), Session: s))
            .DistinctBy(r => r.Key)
            .ToList();
        const string Upsert = " ON CONFLICT (\"Id\") DO UPDATE SET \"BytesIn\" = excluded.\"BytesIn\", \"BytesOut\" = excluded.\"BytesOut\", \"LastSeenAt\" = excluded.\"LastSeenAt\"";
        var insert = "INSERT INTO \"BenchSessions\" (" + string.Join(", ", Columns.Select(c => $"\"{c}\"")) + ") VALUES ";

        var started = Stopwatch.GetTimestamp();
        await using var tx = await connection.BeginTransactionAsync();
        if (sqlite)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = insert + "(" + string.Join(", ", Columns.Select((_, c) => $"@p{c}")) + ")" + Upsert;
            for (var c = 0; c < Columns.Length; c++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = $"@p{c}";
                command.Parameters.Add(parameter);
            }

            await command.PrepareAsync();
            foreach (var (key, session) in rows)
            {
                var values = Row(key, session);
                for (var c = 0; c < values.Length; c++)
                {
                    command.Parameters[c].Value = values[c] ?? DBNull.Value;
                }

                await command.ExecuteNonQueryAsync();
            }
        }
        else
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = tx;
            var sql = insert + "(" + string.Join(", ", Columns.Select((_, c) => $"${c + 1}")) + ")" + Upsert;
            foreach (var (key, session) in rows)
            {
                var row = batch.CreateBatchCommand();
                row.CommandText = sql;
                foreach (var value in Row(key, session))
                {
                    var parameter = batch.CreateBatchCommand().CreateParameter();
                    parameter.Value = value ?? DBNull.Value;
                    row.Parameters.Add(parameter);
                }

                batch.BatchCommands.Add(row);
            }

            await batch.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        object?[] Row(string key, ReportedSession s)
        {
            if (!ids.TryGetValue(key, out var id))
            {
                ids[key] = id = Guid.NewGuid();
            }

            var names = s.UserNames.Select(n => n.Trim()).ToList();
            return
            [
                Value(id, sqlite), Value(serverId, sqlite), key, names[0], sqlite ? JsonSerializer.Serialize(names) : names.ToArray(), s.TunnelType == ReportedTunnelType.Ikev2,
                s.HostName, s.ClientExternalAddress, string.Join(", ", s.ClientIpAddresses), (int)s.TunnelType, s.AuthMethod,
                Value(s.ConnectionStartTime, sqlite), s.TotalBytesIn, s.TotalBytesOut, Value(now, sqlite), Value(now, sqlite),
            ];
        }
    }

    /// <summary>SQLite keeps GUIDs as text and times as a number (as EF writes them there); PostgreSQL takes them as they are.</summary>
    private static object Value(Guid id, bool sqlite) => sqlite ? id.ToString().ToUpperInvariant() : id;

    private static object Value(DateTimeOffset at, bool sqlite) => sqlite ? TimeOnSqlite.ConvertToProvider(at)! : at.ToUniversalTime();

    private static readonly DateTimeOffsetToBinaryConverter TimeOnSqlite = new();
}
