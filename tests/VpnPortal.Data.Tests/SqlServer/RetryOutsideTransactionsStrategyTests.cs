using System.Transactions;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Shouldly;
using VpnPortal.Data.Tests.Migrations;
using VpnPortal.Migrations.SqlServer;
using Xunit;

namespace VpnPortal.Data.Tests.SqlServer;

/// <summary>SQL Server's transient errors are run again where that is safe, and handlers' own transactions still run.</summary>
public sealed class RetryOutsideTransactionsStrategyTests
{
    [Fact]
    public void ThePortalOnSqlServer_UsesTheStrategy()
    {
        using var db = OfflineContexts.Create(SqlServerProvider.Name);

        db.Database.CreateExecutionStrategy().ShouldBeOfType<RetryOutsideTransactionsStrategy>();
    }

    [Fact]
    public void OutsideATransaction_ADeadlockVictim_IsRunAgain()
    {
        using var db = OfflineContexts.Create(SqlServerProvider.Name);
        var attempts = 0;

        var result = Strategy(db).Execute(() => ++attempts == 1 ? throw SqlServerErrors.Exception(SqlServerErrors.Deadlock) : "saved");

        result.ShouldBe("saved");
        attempts.ShouldBe(2);
    }

    [Fact]
    public void InsideATransaction_ADeadlockVictim_ComesUpAsItCameWithoutRunningAgain()
    {
        using var db = OfflineContexts.Create(SqlServerProvider.Name);
        var attempts = 0;
        using var transaction = new TransactionScope();

        var failure = Should.Throw<SqlException>(() => Strategy(db).Execute(() => ++attempts == 1 ? throw SqlServerErrors.Exception(SqlServerErrors.Deadlock) : "saved"));

        failure.Number.ShouldBe(SqlServerErrors.Deadlock);
        attempts.ShouldBe(1);
    }

    // Why the portal does not use EnableRetryOnFailure as it is: inside a transaction a handler began, it runs nothing.
    [Fact]
    public void EfsRetryingStrategy_InsideATransaction_RefusesToRun()
    {
        using var db = OfflineContexts.Create(SqlServerProvider.Name);
        var attempts = 0;
        using var transaction = new TransactionScope();

        var refusal = Should.Throw<InvalidOperationException>(() => new SqlServerRetryingExecutionStrategy(db.GetService<ExecutionStrategyDependencies>()).Execute(() => ++attempts));

        refusal.Message.ShouldContain("does not support user-initiated transactions");
        attempts.ShouldBe(0);
    }

    private static RetryOutsideTransactionsStrategy Strategy(PortalDbContext db) =>
        new(db.GetService<ExecutionStrategyDependencies>(), maxRetryCount: 2, maxRetryDelay: TimeSpan.FromMilliseconds(1));
}
