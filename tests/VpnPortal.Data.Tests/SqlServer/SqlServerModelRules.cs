using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace VpnPortal.Data.Tests.SqlServer;

/// <summary>
/// Rules SQL Server enforces when a schema is created or used, and SQLite and PostgreSQL do not: checked on the
/// relational model (the tables, keys and indexes a migration creates), so they hold without a SQL Server. Each answers
/// the problems it finds, one sentence each; none is an answer of "fine".
/// </summary>
internal static partial class SqlServerModelRules
{
    public const int MaxIdentifierLength = 128;
    public const int ClusteredKeyBytes = 900;
    public const int NonclusteredKeyBytes = 1700;

    public static IRelationalModel Tables(DbContext context) => context.GetService<IDesignTimeModel>().Model.GetRelationalModel();

    /// <summary>
    /// Error 1785: a foreign key whose delete action (cascade, set null, set default) would reach a table twice from one
    /// table, or come back to where it started.
    /// </summary>
    public static IReadOnlyList<string> CascadePaths(IRelationalModel model)
    {
        var acting = model.Tables.SelectMany(t => t.ForeignKeyConstraints)
            .Where(fk => fk.OnDeleteAction is ReferentialAction.Cascade or ReferentialAction.SetNull or ReferentialAction.SetDefault)
            .ToLookup(fk => fk.PrincipalTable.SchemaQualifiedName);
        var problems = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var root in model.Tables)
        {
            var reached = new Dictionary<string, string>(StringComparer.Ordinal);
            Walk(root.SchemaQualifiedName, root.SchemaQualifiedName, [root.SchemaQualifiedName]);

            void Walk(string table, string path, List<string> onPath)
            {
                foreach (var fk in acting[table])
                {
                    var next = fk.Table.SchemaQualifiedName;
                    var step = $"{path} -> {next} ({fk.Name}, {fk.OnDeleteAction})";
                    if (onPath.Contains(next))
                    {
                        problems.Add($"Delete actions go round in a cycle: {step}.");
                    }
                    else if (reached.TryGetValue(next, out var earlier))
                    {
                        problems.Add($"Two delete paths from {root.SchemaQualifiedName} reach {next}: {earlier} and {step}.");
                    }
                    else
                    {
                        reached[next] = step;
                        Walk(next, step, [.. onPath, next]);
                    }
                }
            }
        }

        return [.. problems];
    }

    /// <summary>
    /// Every key and index fits SQL Server's key size (900 bytes clustered, 1700 nonclustered), and none holds a column
    /// without a length (nvarchar(max) cannot be a key column at all).
    /// </summary>
    public static IReadOnlyList<string> KeySizes(IRelationalModel model)
    {
        var problems = new List<string>();
        foreach (var table in model.Tables)
        {
            foreach (var key in table.UniqueConstraints)
            {
                var clustered = key.MappedKeys.First().IsClustered() ?? key.GetIsPrimaryKey();
                Check(table, key.GetIsPrimaryKey() ? "primary key" : "unique constraint", key.Name, key.Columns, clustered);
            }

            foreach (var index in table.Indexes)
            {
                Check(table, "index", index.Name, index.Columns, index.MappedIndexes.First().IsClustered() ?? false);
            }
        }

        return problems;

        void Check(ITable table, string kind, string name, IEnumerable<IColumn> columns, bool clustered)
        {
            var limit = clustered ? ClusteredKeyBytes : NonclusteredKeyBytes;
            var total = 0;
            foreach (var column in columns)
            {
                if (Bytes(column.StoreType) is { } bytes)
                {
                    total += bytes;
                }
                else
                {
                    problems.Add($"{table.Name}: {kind} {name} holds {column.Name} {column.StoreType}, which has no length a key can hold.");
                }
            }

            if (total > limit)
            {
                problems.Add($"{table.Name}: {kind} {name} is up to {total} bytes, over SQL Server's {limit} for a {(clustered ? "clustered" : "nonclustered")} key.");
            }
        }
    }

    /// <summary>Names of tables, columns, keys, indexes and constraints are at most 128 characters (sysname).</summary>
    public static IReadOnlyList<string> IdentifierLengths(IRelationalModel model)
    {
        var names = new List<(string Kind, string? Name)>();
        foreach (var t in model.Tables)
        {
            names.Add(("table", t.Name));
            names.AddRange(t.Columns.Select(c => ("column", (string?)c.Name)));
            names.AddRange(t.UniqueConstraints.Select(k => ("key", (string?)k.Name)));
            names.AddRange(t.ForeignKeyConstraints.Select(f => ("foreign key", (string?)f.Name)));
            names.AddRange(t.Indexes.Select(i => ("index", (string?)i.Name)));
            names.AddRange(t.CheckConstraints.Select(c => ("check constraint", c.Name)));
        }

        names.AddRange(model.Sequences.Select(s => ("sequence", (string?)s.Name)));
        return names.Where(n => n.Name?.Length > MaxIdentifierLength)
            .Select(n => $"The {n.Kind} name {n.Name} is {n.Name!.Length} characters, over {MaxIdentifierLength}.")
            .ToList();
    }

    /// <summary>
    /// The SQL the model writes itself (index filters, defaults, computed columns, check constraints) is in the
    /// provider's own syntax: no PostgreSQL or SQLite quoting or casts on SQL Server, no SQL Server brackets elsewhere,
    /// and on SQL Server it parses as T-SQL.
    /// </summary>
    public static IReadOnlyList<string> ForeignSql(IRelationalModel model, bool sqlServer)
    {
        var problems = new List<string>();
        foreach (var table in model.Tables)
        {
            foreach (var index in table.Indexes.Where(i => i.Filter is not null))
            {
                Check($"{table.Name}: filter of {index.Name}", index.Filter!, condition: true);
            }

            foreach (var column in table.Columns)
            {
                if (column.DefaultValueSql is { } defaultSql)
                {
                    Check($"{table.Name}.{column.Name}: default", defaultSql, condition: false);
                }

                if (column.ComputedColumnSql is { } computed)
                {
                    Check($"{table.Name}.{column.Name}: computed", computed, condition: false);
                }
            }

            foreach (var check in table.CheckConstraints)
            {
                Check($"{table.Name}: check {check.Name}", check.Sql, condition: true);
            }
        }

        return problems;

        void Check(string where, string sql, bool condition)
        {
            var code = StringLiteral().Replace(sql, "''");
            if (sqlServer)
            {
                if (code.Contains('"'))
                {
                    problems.Add($"{where} \"{sql}\" quotes a name with double quotes, as PostgreSQL and SQLite do: SQL Server's are [brackets].");
                }

                if (code.Contains("::", StringComparison.Ordinal))
                {
                    problems.Add($"{where} \"{sql}\" casts with ::, which only PostgreSQL reads.");
                }

                if (PostgresOrSqliteFunction().Match(code) is { Success: true } function)
                {
                    problems.Add($"{where} \"{sql}\" calls {function.Value.Trim()}, which SQL Server does not have.");
                }

                problems.AddRange(TSqlScripts.ExpressionErrors(sql, condition).Select(e => $"{where} \"{sql}\" is not T-SQL: {e}"));
            }
            else
            {
                if (code.Contains('[') || code.Contains(']'))
                {
                    problems.Add($"{where} \"{sql}\" quotes a name with [brackets], which only SQL Server reads.");
                }

                if (SqlServerFunction().Match(code) is { Success: true } function)
                {
                    problems.Add($"{where} \"{sql}\" calls {function.Value.Trim()}, which only SQL Server has.");
                }
            }
        }
    }

    /// <summary>Every text column of the SQL Server model has <paramref name="collation"/>, whatever the database's default.</summary>
    public static IReadOnlyList<string> Collations(IRelationalModel model, string collation) =>
        model.Tables.SelectMany(t => t.Columns
                .Where(c => c.PropertyMappings.Any(m => m.Property.ClrType == typeof(string)) && c.Collation != collation)
                .Select(c => $"{t.Name}.{c.Name} compares by {c.Collation ?? "the database's default collation"}, not {collation}."))
            .ToList();

    /// <summary>Bytes one value of the column takes in a key at most; null when the type has no bound (max, xml, json).</summary>
    private static int? Bytes(string storeType)
    {
        var match = StoreType().Match(storeType.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant());
        if (!match.Success)
        {
            throw new InvalidOperationException($"The key-size rule cannot read the store type {storeType}.");
        }

        var size = match.Groups["size"].Value;
        var length = size is "" or "max" ? (int?)null : int.Parse(size, CultureInfo.InvariantCulture);
        return match.Groups["name"].Value switch
        {
            "nvarchar" or "nchar" => size == "max" ? null : 2 * (length ?? 1),
            "varchar" or "char" or "varbinary" or "binary" => size == "max" ? null : length ?? 1,
            "uniqueidentifier" => 16,
            "bigint" or "datetime" or "datetime2" or "float" or "money" or "rowversion" => 8,
            "int" or "real" => 4,
            "smallint" => 2,
            "tinyint" or "bit" => 1,
            "datetimeoffset" => 10,
            "date" => 3,
            "time" => 5,
            "decimal" or "numeric" => (length ?? 18) switch { <= 9 => 5, <= 19 => 9, <= 28 => 13, _ => 17 },
            "xml" or "json" or "text" or "ntext" or "image" => null,
            _ => throw new InvalidOperationException($"The key-size rule does not know {storeType}: add its size."),
        };
    }

    [GeneratedRegex(@"^(?<name>[a-z0-9]+)(\((?<size>max|\d+)(,\d+)?\))?$")]
    private static partial Regex StoreType();

    [GeneratedRegex("'(?:[^']|'')*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\b(now|gen_random_uuid|datetime|strftime|random)\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex PostgresOrSqliteFunction();

    [GeneratedRegex(@"\b(getdate|getutcdate|sysdatetime|sysdatetimeoffset|sysutcdatetime|newid|newsequentialid|isnull)\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex SqlServerFunction();
}
