using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data;

/// <summary>
/// Many sessions in one statement, whatever their number: the rows go to the database as one parameter (JSON; arrays on
/// PostgreSQL for the counters) that the statement reads as a table, so its text is the same every time (one plan,
/// cached) and no parameter limit applies. EF's change tracking would send one statement per session, and for the
/// counters first read every session whole. Table and column names are the model's; values are written as each
/// provider stores them (on SQLite: GUIDs as upper-case text, times as the UTC ticks of the model's converter).
/// </summary>
public static class SessionWrites
{
    public readonly record struct Counters(Guid Id, long BytesIn, long BytesOut);

    private static readonly ConcurrentDictionary<(string Provider, string Kind), string> Statements = new();

    /// <summary>The columns a new session is inserted with, in the order of a row's JSON array (EndedAt is left null).</summary>
    private static readonly string[] InsertColumns =
    [
        nameof(VpnSession.Id), nameof(VpnSession.RrasServerId), nameof(VpnSession.SessionKey), nameof(VpnSession.UserName),
        nameof(VpnSession.UserNames), nameof(VpnSession.IsDeviceTunnel), nameof(VpnSession.HostName), nameof(VpnSession.ClientExternalAddress),
        nameof(VpnSession.ClientInternalAddress), nameof(VpnSession.TunnelType), nameof(VpnSession.AuthMethod), nameof(VpnSession.ConnectionStartTime),
        nameof(VpnSession.BytesIn), nameof(VpnSession.BytesOut), nameof(VpnSession.FirstSeenAt), nameof(VpnSession.LastSeenAt),
    ];

    /// <summary>Sets BytesIn, BytesOut and LastSeenAt (to <paramref name="now"/>) of the sessions in <paramref name="rows"/>; answers the rows written.</summary>
    public static async Task<int> UpdateCountersAsync(PortalDbContext db, IReadOnlyCollection<Counters> rows, DateTimeOffset now, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        var sql = Statements.GetOrAdd((db.Database.ProviderName!, "counters"), _ => CountersStatement(db));
        // The time as the column holds it: through the property's own mapping, converter included.
        using var factory = db.Database.GetDbConnection().CreateCommand();
        var lastSeen = Property(db, nameof(VpnSession.LastSeenAt)).GetRelationalTypeMapping().CreateParameter(factory, "last_seen", now);
        object[] parameters = db.IsSqlite || db.IsSqlServer
            ? [Json(rows, (json, row) =>
            {
                Id(json, row.Id, db.IsSqlite);
                json.WriteNumberValue(row.BytesIn);
                json.WriteNumberValue(row.BytesOut);
            }), lastSeen]
            : [rows.Select(r => r.Id).ToArray(), rows.Select(r => r.BytesIn).ToArray(), rows.Select(r => r.BytesOut).ToArray(), lastSeen];
        return await db.Database.ExecuteSqlRawAsync(sql, parameters, ct);
    }

    /// <summary>Inserts <paramref name="sessions"/> (new, not tracked) in one statement; answers the rows written.</summary>
    public static async Task<int> InsertAsync(PortalDbContext db, IReadOnlyCollection<VpnSession> sessions, CancellationToken ct)
    {
        if (sessions.Count == 0)
        {
            return 0;
        }

        var sql = Statements.GetOrAdd((db.Database.ProviderName!, "insert"), _ => InsertStatement(db));
        var sqlite = db.IsSqlite;
        var ticks = sqlite ? Property(db, nameof(VpnSession.LastSeenAt)).GetTypeMapping().Converter : null;
        var rows = Json(sessions, (json, s) =>
        {
            Id(json, s.Id, sqlite);
            Id(json, s.RrasServerId, sqlite);
            json.WriteStringValue(s.SessionKey);
            json.WriteStringValue(s.UserName);
            json.WriteStartArray();
            foreach (var name in s.UserNames)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            json.WriteBooleanValue(s.IsDeviceTunnel);
            Text(json, s.HostName);
            Text(json, s.ClientExternalAddress);
            Text(json, s.ClientInternalAddress);
            json.WriteNumberValue((int)s.TunnelType);
            Text(json, s.AuthMethod);
            Time(json, s.ConnectionStartTime);
            json.WriteNumberValue(s.BytesIn);
            json.WriteNumberValue(s.BytesOut);
            Time(json, s.FirstSeenAt);
            Time(json, s.LastSeenAt);
        });
        return await db.Database.ExecuteSqlRawAsync(sql, [rows], ct);

        void Time(Utf8JsonWriter json, DateTimeOffset at)
        {
            if (ticks is not null)
            {
                json.WriteNumberValue((long)ticks.ConvertToProvider(at)!);
            }
            else if (db.IsSqlServer)
            {
                // datetimeoffset keeps the offset given and 100 ns.
                json.WriteStringValue(at.ToString("O", CultureInfo.InvariantCulture));
            }
            else
            {
                // timestamptz keeps UTC to the microsecond: cut here (as Npgsql does), not rounded by the server's parser.
                json.WriteStringValue(at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>The counter update in the context's provider's SQL ({0}: the rows; then the time).</summary>
    public static string CountersStatement(PortalDbContext db)
    {
        var names = SqlNames.Of<VpnSession>(db);
        var table = names.Table;
        var (id, bytesIn, bytesOut, lastSeen) = (names.Column(nameof(VpnSession.Id)), names.Column(nameof(VpnSession.BytesIn)), names.Column(nameof(VpnSession.BytesOut)), names.Column(nameof(VpnSession.LastSeenAt)));
        if (db.IsSqlite)
        {
            // json_each walks the rows; each finds its session through the primary key.
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

    /// <summary>The insert in the context's provider's SQL ({0}: the rows, one JSON array each in <see cref="InsertColumns"/> order).</summary>
    public static string InsertStatement(PortalDbContext db)
    {
        var names = SqlNames.Of<VpnSession>(db);
        var into = $"INSERT INTO {names.Table} ({string.Join(", ", InsertColumns.Select(names.Column))}) ";
        if (db.IsSqlite)
        {
            // A row's user names are a JSON array, which json_extract answers as JSON text: the form EF keeps them in here.
            return into + "SELECT " + string.Join(", ", InsertColumns.Select((_, i) => $"json_extract(r.value, '$[{i}]')")) + " FROM json_each({0}) AS r";
        }

        if (db.IsSqlServer)
        {
            string[] types =
            [
                "uniqueidentifier", "uniqueidentifier", "nvarchar(max)", "nvarchar(max)", "nvarchar(max)", "bit", "nvarchar(max)", "nvarchar(max)",
                "nvarchar(max)", "int", "nvarchar(max)", "datetimeoffset", "bigint", "bigint", "datetimeoffset", "datetimeoffset",
            ];
            var with = string.Join(", ", types.Select((type, i) => $"c{i} {type} '$[{i}]'{(i == 4 ? " AS JSON" : "")}"));
            return into + "SELECT " + string.Join(", ", types.Select((_, i) => $"v.c{i}")) + $" FROM OPENJSON({{0}}) WITH ({with}) AS v";
        }

        string[] casts =
        [
            "(r->>0)::uuid", "(r->>1)::uuid", "r->>2", "r->>3", "ARRAY(SELECT jsonb_array_elements_text(r->4))", "(r->>5)::boolean", "r->>6", "r->>7",
            "r->>8", "(r->>9)::integer", "r->>10", "(r->>11)::timestamptz", "(r->>12)::bigint", "(r->>13)::bigint", "(r->>14)::timestamptz", "(r->>15)::timestamptz",
        ];
        return into + "SELECT " + string.Join(", ", casts) + " FROM jsonb_array_elements(CAST({0} AS jsonb)) AS r";
    }

    private static IProperty Property(PortalDbContext db, string name) => db.Model.FindEntityType(typeof(VpnSession))!.FindProperty(name)!;

    private static void Id(Utf8JsonWriter json, Guid id, bool upperCase) =>
        json.WriteStringValue(upperCase ? id.ToString("D").ToUpperInvariant() : id.ToString("D"));

    private static void Text(Utf8JsonWriter json, string? value)
    {
        if (value is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStringValue(value);
        }
    }

    /// <summary>[[...], ...]: one JSON array per row.</summary>
    private static string Json<T>(IEnumerable<T> rows, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartArray();
                write(json, row);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
