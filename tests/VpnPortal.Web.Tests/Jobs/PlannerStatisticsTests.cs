using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Features.Sessions;
using VpnPortal.Web.Tests.Features;
using Xunit;

namespace VpnPortal.Web.Tests.Jobs;

/// <summary>
/// How SQLite reads live sessions (decision 0026), with half the table ended history as a fleet keeps it: the hourly
/// job leaves the planner statistics; the sessions page's unfiltered pages in an order an index keeps are read from it;
/// what may read every live session (a count, a search, a protocol, another order) walks them in the order they were
/// stored, not through an ordered index one row at a time; one server's sessions are read by the server's index.
/// </summary>
public sealed class PlannerStatisticsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PruneJob_OnSqlite_LeavesThePlannerStatisticsOfTheSessionIndexes()
    {
        await using var database = await SeededAsync();

        await PruneFleetHistoryJobTests.RunAsync(database);

        await using var db = database.CreateContext();
        var analysed = await db.Database.SqlQueryRaw<string>("SELECT idx AS \"Value\" FROM sqlite_stat1 WHERE tbl = 'VpnSessions'").ToListAsync(Ct);
        analysed.ShouldContain(VpnSessionIndexes.LiveByStart);
        analysed.ShouldContain(VpnSessionIndexes.LiveByUser);
    }

    [Fact]
    public async Task SessionsPage_OnSqlite_ReadsEachQueryByTheIndexThatServesIt()
    {
        await using var database = await SeededAsync();
        await PruneFleetHistoryJobTests.RunAsync(database);

        var server = await ServerIdAsync(database);
        var search = new ListLiveSessions.Filter(Search: "user0042");
        const string live = VpnSessionIndexes.ByEndedAt;
        (await PlansAsync(database, new(), [])).ShouldBe(new Plans(live, VpnSessionIndexes.LiveByStart), "the first page");
        (await PlansAsync(database, new(), [new("UserName", true)])).Read.ShouldBe(VpnSessionIndexes.LiveByUser, "sorted by user");
        (await PlansAsync(database, new(Protocol: TunnelType.Pptp), [])).ShouldBe(new Plans(live, live), "one protocol");
        (await PlansAsync(database, search, [])).ShouldBe(new Plans(live, live), "a search");
        (await PlansAsync(database, new(User: "user0042"), [])).ShouldBe(new Plans(live, live), "one user");
        (await PlansAsync(database, new(), [new("BytesIn", true)])).Read.ShouldBe(live, "sorted by bytes in");
        (await PlansAsync(database, search with { Server = server.ToString() }, [new("BytesIn", true)]))
            .ShouldBe(new Plans("IX_VpnSessions_RrasServerId_EndedAt", "IX_VpnSessions_RrasServerId_EndedAt"), "a search on one server");
    }

    /// <summary>Four servers of 600 sessions, half of them ended (a fleet keeps weeks of history).</summary>
    private static async Task<TestDatabase> SeededAsync()
    {
        var database = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);
        var now = DateTimeOffset.UtcNow;
        await using var db = database.CreateContext();
        var fleet = new FleetBuilder(db, now);
        for (var s = 0; s < 4; s++)
        {
            var server = fleet.Rras($"RRAS-{s:D2}");
            for (var i = 0; i < 600; i++)
            {
                fleet.Session(server, $"user{i:D4}@corp.example", ended: i % 2 == 0, started: now.AddSeconds(-i - s * 1000));
            }
        }

        await fleet.SaveAsync(Ct);
        return database;
    }

    private static async Task<Guid> ServerIdAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return await db.RrasServers.Select(s => s.Id).FirstAsync(Ct);
    }

    /// <summary>The index by which a page's count and its read reach the sessions table, or "(the table)" for a scan.</summary>
    private sealed record Plans(string Count, string Read);

    private static async Task<Plans> PlansAsync(TestDatabase database, ListLiveSessions.Filter filter, SortBy[] sorts)
    {
        var recorder = new CommandRecorder();
        await using (var db = new PortalDbContext(database.Options(recorder)))
        {
            await new ListLiveSessions(db).PageAsync(filter, new TableRequest(0, 25, sorts), Ct);
        }

        recorder.Commands.Count.ShouldBe(2, "a page is a count and a read");
        return new Plans(Sessions(await ExplainAsync(database, recorder.Commands[0])), Sessions(await ExplainAsync(database, recorder.Commands[1])));
    }

    /// <summary>The plan's step that reads the sessions table (aliased v): the index it uses, or "(the table)".</summary>
    private static string Sessions(IReadOnlyList<string> steps)
    {
        var reads = steps.Where(s => s is "SCAN v" or "SEARCH v" || s.StartsWith("SCAN v ", StringComparison.Ordinal) || s.StartsWith("SEARCH v ", StringComparison.Ordinal)).ToList();
        reads.Count.ShouldBe(1, $"one step should read the sessions table: {string.Join(" | ", steps)}");
        var step = reads[0];
        var index = System.Text.RegularExpressions.Regex.Match(step, "USING (?:COVERING )?INDEX (\\S+)");
        return index.Success ? index.Groups[1].Value : "(the table)";
    }

    private static async Task<IReadOnlyList<string>> ExplainAsync(TestDatabase database, (string Text, IReadOnlyList<(string Name, object? Value)> Parameters) command)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + command.Text;
        foreach (var (name, value) in command.Parameters)
        {
            explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var steps = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            steps.Add(reader.GetString(3));
        }

        return steps;
    }

    /// <summary>The text (as run, after every interceptor) and parameters of every query a context runs.</summary>
    private sealed class CommandRecorder : DbCommandInterceptor
    {
        public List<(string Text, IReadOnlyList<(string Name, object? Value)> Parameters)> Commands { get; } = [];

        public override ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            Commands.Add((command.CommandText, command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList()));
            return base.ReaderExecutedAsync(command, eventData, result, cancellationToken);
        }
    }
}
