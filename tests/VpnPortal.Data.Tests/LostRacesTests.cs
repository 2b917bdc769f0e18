using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using VpnPortal.Data.Tests.Migrations;
using VpnPortal.Data.Tests.SqlServer;
using VpnPortal.Migrations.SqlServer;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Data.Tests;

/// <summary>Work whose save lost to another node runs again, from a clean context, a bounded number of times.</summary>
public sealed class LostRacesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASaveThatLost_IsRunAgain_UntilItWins()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);
        await using var db = database.CreateContext();
        var runs = 0;

        var result = await db.RetryLostRacesAsync(() => ++runs < 3 ? throw Lost() : Task.FromResult("saved"), NullLogger.Instance, "test", Ct);

        result.ShouldBe("saved");
        runs.ShouldBe(3);
    }

    [Fact]
    public async Task ASaveThatKeepsLosing_FailsAfterTheLastAttempt()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);
        await using var db = database.CreateContext();
        var runs = 0;

        await Should.ThrowAsync<DbUpdateException>(() => db.RetryLostRacesAsync<int>(() => { runs++; throw Lost(); }, NullLogger.Instance, "test", Ct));

        runs.ShouldBe(LostRaces.Attempts);
    }

    [Fact]
    public async Task AnyOtherFailure_IsNotRunAgain()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);
        await using var db = database.CreateContext();
        var runs = 0;

        await Should.ThrowAsync<InvalidOperationException>(() => db.RetryLostRacesAsync<int>(() => { runs++; throw new InvalidOperationException("broken"); }, NullLogger.Instance, "test", Ct));

        runs.ShouldBe(1);
    }

    [Fact]
    public void ADeadlockWrappedByTheExecutionStrategy_IsALostRace() =>
        LostRaces.IsLostRace(new InvalidOperationException("transient failure", Lost())).ShouldBeTrue();

    [Theory]
    [InlineData("40001", true)]
    [InlineData("40P01", true)]
    [InlineData("23505", false)]
    [InlineData(null, false)]
    public void ASerializableTransactionThatLostOnAReadOrAtCommit_IsALostRace(string? sqlState, bool lost) =>
        LostRaces.IsLostRace(new InvalidOperationException("wrapped", new ProviderFailure(sqlState))).ShouldBe(lost);

    [Theory]
    [InlineData(SqlServerErrors.Deadlock, true)]
    [InlineData(SqlServerErrors.DuplicateKeyInUniqueIndex, true)]
    [InlineData(SqlServerErrors.UniqueConstraintViolation, true)]
    [InlineData(SqlServerErrors.ForeignKeyViolation, false)]
    public void ASqlServerDeadlockVictimOrDuplicateKey_IsALostRace(int number, bool lost)
    {
        LostRaces.IsLostRace(SqlServerErrors.Exception(number)).ShouldBe(lost);
        LostRaces.IsLostRace(new InvalidOperationException("wrapped", SqlServerErrors.Exception(number))).ShouldBe(lost);
    }

    // Two admins demoting each other at once: the serializable transaction that lost is a stale edit for its person.
    [Fact]
    public void ASerializableTransactionRefused_IsASerializationFailure_OnPostgreSqlAndSqlServer()
    {
        LostRaces.IsSerializationFailure(new DbUpdateException("save failed", new ProviderFailure("40001"))).ShouldBeTrue();
        LostRaces.IsSerializationFailure(new DbUpdateException("save failed", SqlServerErrors.Exception(SqlServerErrors.Deadlock))).ShouldBeTrue();
        LostRaces.IsSerializationFailure(SqlServerErrors.Exception(SqlServerErrors.Deadlock)).ShouldBeTrue();
        LostRaces.IsSerializationFailure(new DbUpdateException("unique", SqlServerErrors.Exception(SqlServerErrors.UniqueConstraintViolation))).ShouldBeFalse();
        LostRaces.IsSerializationFailure(new DbUpdateException("unique", new ProviderFailure("23505"))).ShouldBeFalse();
    }

    // SQL Server's retrying strategy, out of retries, hands the last deadlock over inside its own exception.
    [Fact]
    public void ASqlServerDeadlockThatOutlastedTheExecutionStrategysRetries_IsALostRace()
    {
        using var db = OfflineContexts.Create(SqlServerProvider.Name);
        var strategy = new RetryOutsideTransactionsStrategy(db.GetService<ExecutionStrategyDependencies>(), maxRetryCount: 1, maxRetryDelay: TimeSpan.FromMilliseconds(1));

        var failure = Should.Throw<RetryLimitExceededException>(() => strategy.Execute(() => throw SqlServerErrors.Exception(SqlServerErrors.Deadlock)));

        LostRaces.IsLostRace(failure).ShouldBeTrue();
    }

    private static DbUpdateException Lost() => new("another node saved first");

    /// <summary>What a provider throws outside SaveChanges (a read, a commit): no DbUpdateException, only its SQLSTATE.</summary>
    private sealed class ProviderFailure(string? sqlState) : System.Data.Common.DbException("could not serialize access")
    {
        public override string? SqlState => sqlState;
    }
}
