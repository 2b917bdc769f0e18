using System.Net.Sockets;
using System.Transactions;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage;
using VpnPortal.Data;

namespace VpnPortal.Migrations.SqlServer;

/// <summary>The server database for Windows shops: SQL Server or Azure SQL, signed in to as SqlClient allows.</summary>
public static class SqlServerProvider
{
    public const string Name = "SqlServer";

    public static DbContextOptionsBuilder UsePortalSqlServer(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlServer(connectionString, o => o
            .MigrationsAssembly(typeof(SqlServerProvider).Assembly.GetName().Name)
            .ExecutionStrategy(dependencies => new RetryOutsideTransactionsStrategy(dependencies)));

    /// <summary>
    /// One line for an operator when SQL Server could not be reached or refused the sign-in (the server named as the
    /// connection string names it, never the password); null when <paramref name="failure"/> is anything else.
    /// </summary>
    public static string? DescribeUnreachable(Exception failure, string connectionString)
    {
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            if (e is SqlException sql && IsConnectionFailure(sql))
            {
                var server = new SqlConnectionStringBuilder(connectionString).DataSource;
                return $"Cannot reach SQL Server at {server}: {Reason(sql)}; check Database:ConnectionString.";
            }
        }

        return null;
    }

    /// <summary>
    /// Errors raised while opening the connection: the network (class 20 and above, which also ends the connection),
    /// the connect timeout (-2), a login refused (18456, 18452) or its database unavailable (4060).
    /// </summary>
    private static bool IsConnectionFailure(SqlException e) =>
        e.Class >= 20 || e.Number is -2 or 18456 or 18452 or 4060;

    private static string Reason(SqlException e)
    {
        // SqlClient's text says what failed; the socket says why, when it knows (on Linux a refused connection can come
        // with a socket error of "Success", which says nothing).
        var reason = e.Message.ReplaceLineEndings(" ").Trim();
        var cause = e.InnerException switch
        {
            SocketException { SocketErrorCode: SocketError.Success } => null,
            SocketException socket => socket.SocketErrorCode.ToString(),
            { Message.Length: > 0 } inner when !reason.Contains(inner.Message, StringComparison.Ordinal) => inner.Message.ReplaceLineEndings(" ").Trim(),
            _ => null,
        };
        return cause is null ? reason : $"{reason} ({cause})";
    }
}

/// <summary>
/// What <c>EnableRetryOnFailure</c> installs, SQL Server's retrying execution strategy, for work outside a transaction the
/// portal began itself: a dropped connection, an Azure SQL failover or a deadlock victim is run again. EF's strategy
/// refuses to run at all inside such a transaction ("does not support user-initiated transactions"), and the portal's
/// handlers begin a dozen; there the statement cannot be run again alone (SQL Server rolled the whole transaction back),
/// so the error goes up as it came, where the handler's own retry (<see cref="LostRaces"/>) starts the unit again.
/// </summary>
public sealed class RetryOutsideTransactionsStrategy : SqlServerRetryingExecutionStrategy
{
    private bool _inTransaction;

    public RetryOutsideTransactionsStrategy(ExecutionStrategyDependencies dependencies)
        : base(dependencies)
    {
    }

    public RetryOutsideTransactionsStrategy(ExecutionStrategyDependencies dependencies, int maxRetryCount, TimeSpan maxRetryDelay)
        : base(dependencies, maxRetryCount, maxRetryDelay, errorNumbersToAdd: null)
    {
    }

    protected override void OnFirstExecution()
    {
        var database = Dependencies.CurrentContext.Context.Database;
        _inTransaction = database.CurrentTransaction is not null || database.GetEnlistedTransaction() is not null || Transaction.Current is not null;
        if (_inTransaction)
        {
            ExceptionsEncountered.Clear();
            return;
        }

        base.OnFirstExecution();
    }

    protected override bool ShouldRetryOn(Exception exception) => !_inTransaction && base.ShouldRetryOn(exception);
}

/// <summary>Used by dotnet-ef only; the connection string is never opened for `migrations add` or `migrations script`.</summary>
public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalSqlServer(args.FirstOrDefault() ?? "Server=localhost;Database=vpnportal_design;Integrated Security=true;TrustServerCertificate=true");
        return new PortalDbContext(options.Options);
    }
}
