using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Data.Tests.Migrations;
using VpnPortal.Data.Tests.SqlServer;
using VpnPortal.Migrations.Postgres;
using VpnPortal.Migrations.Sqlite;
using VpnPortal.Migrations.SqlServer;
using Xunit;

namespace VpnPortal.Data.Tests;

/// <summary>The outbox's insert that skips a row already enqueued, in each provider's own SQL.</summary>
public sealed class OutboxInsertInterceptorTests
{
    [Fact]
    public void InsertCommand_OnSqlServer_IsTSqlThatChecksTheKeyUnderALock()
    {
        using var db = OfflineContexts.Create(SqlServerProvider.Name);
        using var factory = db.Database.GetDbConnection().CreateCommand();

        var (sql, parameters) = OutboxInsertInterceptor.InsertCommand(db, factory, Message());

        TSqlScripts.ParseErrors(sql).ShouldBeEmpty();
        sql.ShouldStartWith("INSERT INTO [NotificationOutbox] ([Id], ");
        sql.ShouldContain("WHERE NOT EXISTS (SELECT 1 FROM [NotificationOutbox] WITH (UPDLOCK, HOLDLOCK) WHERE [SourceKey] = @p");
        sql.ShouldContain("AND [RecipientUserId] = @p");
        sql.ShouldContain("AND [Channel] = @p");
        parameters.Count.ShouldBe(db.Model.FindEntityType(typeof(NotificationOutboxMessage))!.GetProperties().Count());
    }

    [Theory]
    [InlineData(SqliteProvider.Name)]
    [InlineData(PostgresProvider.Name)]
    public void InsertCommand_OnSqliteAndPostgres_SaysOnConflictDoNothing(string provider)
    {
        using var db = OfflineContexts.Create(provider);
        using var factory = db.Database.GetDbConnection().CreateCommand();

        var (sql, _) = OutboxInsertInterceptor.InsertCommand(db, factory, Message());

        sql.ShouldStartWith("INSERT INTO \"NotificationOutbox\" (\"Id\", ");
        sql.ShouldEndWith("ON CONFLICT (\"SourceKey\", \"RecipientUserId\", \"Channel\") DO NOTHING");
    }

    private static NotificationOutboxMessage Message() => new()
    {
        Id = Guid.NewGuid(),
        SourceKey = "alert:opened",
        RecipientUserId = Guid.NewGuid(),
        Channel = "email",
        ContentJson = "{}",
    };
}
