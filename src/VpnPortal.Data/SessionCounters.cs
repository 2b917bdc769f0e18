using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data;

/// <summary>
/// The byte counters of many live sessions in one UPDATE, whatever their number: the rows go to the database as one
/// parameter (JSON on SQLite and SQL Server, arrays on PostgreSQL) that the statement joins on the key, so the statement
/// is the same text every time (one plan, cached) and no parameter limit applies. EF's change tracking would send one
/// UPDATE per session and first read every session whole.
/// </summary>
public static class SessionCounters
{
    public readonly record struct Row(Guid Id, long BytesIn, long BytesOut);

    private static readonly ConcurrentDictionary<(string Provider, string Table), string> Statements = new();

    /// <summary>Sets BytesIn, BytesOut and LastSeenAt (to <paramref name="now"/>) of the sessions in <paramref name="rows"/>; answers the rows written.</summary>
    public static async Task<int> UpdateAsync(PortalDbContext db, IReadOnlyCollection<Row> rows, DateTimeOffset now, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        var sql = Statements.GetOrAdd((db.Database.ProviderName!, db.Model.FindEntityType(typeof(VpnSession))!.GetTableName()!), _ => Statement(db));
        // The time as the column holds it: through the property's own mapping, converter included (SQLite keeps UTC ticks).
        var lastSeen = db.Model.FindEntityType(typeof(VpnSession))!.FindProperty(nameof(VpnSession.LastSeenAt))!.GetRelationalTypeMapping()
            .CreateParameter(db.Database.GetDbConnection().CreateCommand(), "last_seen", now);
        object[] parameters = db.IsSqlite || db.IsSqlServer
            ? [Json(rows, upperCaseIds: db.IsSqlite), lastSeen]
            : [rows.Select(r => r.Id).ToArray(), rows.Select(r => r.BytesIn).ToArray(), rows.Select(r => r.BytesOut).ToArray(), lastSeen];
        return await db.Database.ExecuteSqlRawAsync(sql, parameters, ct);
    }

    /// <summary>The statement for the context's provider, with the model's own table and column names.</summary>
    public static string Statement(PortalDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(VpnSession))!;
        var helper = db.GetService<ISqlGenerationHelper>();
        var table = helper.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
        string Column(string property) => helper.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName());
        var (id, bytesIn, bytesOut, lastSeen) = (Column(nameof(VpnSession.Id)), Column(nameof(VpnSession.BytesIn)), Column(nameof(VpnSession.BytesOut)), Column(nameof(VpnSession.LastSeenAt)));
        if (db.IsSqlite)
        {
            // json_each walks the rows; each finds its session through the primary key. Ids are text, as EF stores them here.
            return $"UPDATE {table} SET {bytesIn} = json_extract(v.value, '$[1]'), {bytesOut} = json_extract(v.value, '$[2]'), {lastSeen} = {{1}} " +
                $"FROM json_each({{0}}) AS v WHERE {table}.{id} = json_extract(v.value, '$[0]')";
        }

        if (db.IsSqlServer)
        {
            return $"UPDATE t SET t.{bytesIn} = v.bytes_in, t.{bytesOut} = v.bytes_out, t.{lastSeen} = {{1}} FROM {table} AS t " +
                $"INNER JOIN OPENJSON({{0}}) WITH (id uniqueidentifier '$[0]', bytes_in bigint '$[1]', bytes_out bigint '$[2]') AS v ON t.{id} = v.id";
        }

        return $"UPDATE {table} AS t SET {bytesIn} = v.bytes_in, {bytesOut} = v.bytes_out, {lastSeen} = {{3}} " +
            $"FROM unnest({{0}}, {{1}}, {{2}}) AS v(id, bytes_in, bytes_out) WHERE t.{id} = v.id";
    }

    /// <summary>[["id", in, out], ...]; on SQLite the id in upper case, as EF writes a GUID there.</summary>
    private static string Json(IEnumerable<Row> rows, bool upperCaseIds)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartArray();
                json.WriteStringValue(upperCaseIds ? row.Id.ToString("D").ToUpperInvariant() : row.Id.ToString("D"));
                json.WriteNumberValue(row.BytesIn);
                json.WriteNumberValue(row.BytesOut);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
