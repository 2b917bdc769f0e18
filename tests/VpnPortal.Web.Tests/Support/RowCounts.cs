using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Web.Tests.Support;

/// <summary>The number of rows in every table of the portal's database: proof that a refused request wrote nothing.</summary>
public sealed class RowCounts
{
    private readonly IReadOnlyDictionary<string, long> _counts;

    private RowCounts(IReadOnlyDictionary<string, long> counts) => _counts = counts;

    public long this[string table] => _counts[table];

    public static async Task<RowCounts> TakeAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        // Every table but the node relay's signals: a hint that something changed, written by the relay on SQL Server
        // whenever a page or a poll is told of anything, and kept a minute; not data a request writes.
        var tables = db.Model.GetEntityTypes().Where(t => t.ClrType != typeof(NodeSignal))
            .Select(t => t.GetTableName()).OfType<string>().Distinct().Order().ToList();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            counts[table] = Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }

        return new RowCounts(counts);
    }

    /// <summary>These counts with <paramref name="added"/> more rows in <paramref name="table"/>: what a request that must write only that should leave.</summary>
    public RowCounts With(string table, long added)
    {
        _counts.Keys.ShouldContain(table);
        return new RowCounts(_counts.ToDictionary(c => c.Key, c => c.Key == table ? c.Value + added : c.Value));
    }

    public bool SameAs(RowCounts other) => _counts.All(c => other._counts.TryGetValue(c.Key, out var n) && n == c.Value);

    public void ShouldEqual(RowCounts before, string because)
    {
        var changed = _counts.Where(c => before._counts[c.Key] != c.Value).Select(c => $"{c.Key}: {before._counts[c.Key]} -> {c.Value}").ToList();
        changed.ShouldBeEmpty($"{because}; rows changed: {string.Join(", ", changed)}");
    }
}
