using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace VpnPortal.Data;

/// <summary>
/// A query that names the index it reads a table by, for SQLite (<c>INDEXED BY</c>). SQLite's planner, statistics or
/// not, takes any index whose filter a query matches as the cheaper way, and over 200,000 live sessions a walk of the
/// wrong one, one row lookup at a time, is ten to thirty times slower than the right one (decision 0026). PostgreSQL
/// and SQL Server plan by statistics they keep themselves; to them the hint is a comment (a query tag).
/// </summary>
public static partial class IndexHints
{
    private const string Prefix = "vpnportal: read ";

    /// <summary>Reads <paramref name="table"/> in <paramref name="query"/> by <paramref name="index"/> on SQLite.</summary>
    public static IQueryable<T> ReadBy<T>(this IQueryable<T> query, string table, string index) =>
        query.TagWith($"{Prefix}\"{table}\" by \"{index}\"");

    /// <summary>SQLite's form of a command whose tag names an index: that table's reads use it.</summary>
    internal static string ForSqlite(string sql)
    {
        var hint = Hint().Match(sql);
        if (!hint.Success)
        {
            return sql;
        }

        var table = Regex.Escape(hint.Groups["table"].Value);
        return Regex.Replace(sql, $"""\bFROM "{table}" AS "[A-Za-z0-9_]+"(?! INDEXED BY)""", m => $"{m.Value} INDEXED BY \"{hint.Groups["index"].Value}\"");
    }

    [GeneratedRegex("""^-- vpnportal: read "(?<table>[A-Za-z0-9_]+)" by "(?<index>[A-Za-z0-9_]+)"$""", RegexOptions.Multiline)]
    private static partial Regex Hint();

    internal sealed class SqliteInterceptor : DbCommandInterceptor
    {
        public static readonly SqliteInterceptor Instance = new();

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Rewrite(command, eventData);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Rewrite(command, eventData);
            return ValueTask.FromResult(result);
        }

        private static void Rewrite(DbCommand command, CommandEventData eventData)
        {
            if (eventData.Context is PortalDbContext { IsSqlite: true })
            {
                command.CommandText = ForSqlite(command.CommandText);
            }
        }
    }
}
