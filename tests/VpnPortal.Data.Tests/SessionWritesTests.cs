using Shouldly;
using VpnPortal.Data.Tests.Migrations;
using VpnPortal.Data.Tests.SqlServer;
using VpnPortal.Migrations.Postgres;
using VpnPortal.Migrations.SqlServer;
using Xunit;

namespace VpnPortal.Data.Tests;

/// <summary>
/// The one-statement session writes in SQL Server's dialect, read by Microsoft's T-SQL parser (their behaviour on SQLite
/// and PostgreSQL is tested through the snapshot endpoint, SnapshotTests, on a real database of each).
/// </summary>
public sealed class SessionWritesTests
{
    [Fact]
    public void CountersStatement_OnSqlServer_IsTSqlThatJoinsTheRowsFromJson()
    {
        using var db = OfflineContexts.Create(SqlServerProvider.Name);

        var sql = Parameters(SessionWrites.CountersStatement(db));

        TSqlScripts.ParseErrors(sql).ShouldBeEmpty();
        sql.ShouldStartWith("UPDATE t SET t.[BytesIn] = v.bytes_in, t.[BytesOut] = v.bytes_out, t.[LastSeenAt] = @p1 FROM [VpnSessions] AS t");
        sql.ShouldContain("OPENJSON(@p0) WITH (id uniqueidentifier '$[0]', bytes_in bigint '$[1]', bytes_out bigint '$[2]') AS v ON t.[Id] = v.id");
    }

    [Fact]
    public void InsertStatement_OnSqlServer_IsTSqlThatReadsEveryColumnFromJson()
    {
        using var db = OfflineContexts.Create(SqlServerProvider.Name);

        var sql = Parameters(SessionWrites.InsertStatement(db));

        TSqlScripts.ParseErrors(sql).ShouldBeEmpty();
        sql.ShouldStartWith("INSERT INTO [VpnSessions] ([Id], [RrasServerId], [SessionKey], [UserName], [UserNames], ");
        sql.ShouldContain("FROM OPENJSON(@p0) WITH (c0 uniqueidentifier '$[0]', ");
        sql.ShouldContain("c4 nvarchar(max) '$[4]' AS JSON");
    }

    [Fact]
    public void Statement_OfAnotherProvider_IsNotTSql()
    {
        // The parser check above can fail: PostgreSQL's form (UPDATE ... AS t, unnest) is not T-SQL.
        using var db = OfflineContexts.Create(PostgresProvider.Name);

        TSqlScripts.ParseErrors(Parameters(SessionWrites.CountersStatement(db))).ShouldNotBeEmpty();
        TSqlScripts.ParseErrors(Parameters(SessionWrites.InsertStatement(db))).ShouldNotBeEmpty();
    }

    private static string Parameters(string sql)
    {
        for (var i = 0; i < 4; i++)
        {
            sql = sql.Replace("{" + i + "}", "@p" + i, StringComparison.Ordinal);
        }

        return sql;
    }
}
