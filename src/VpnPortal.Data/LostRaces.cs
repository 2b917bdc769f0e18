using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace VpnPortal.Data;

/// <summary>
/// Work that reads, decides and saves in one unit, whose save can lose to another node's doing the same (a version, a
/// unique open key, PostgreSQL or SQL Server choosing it as a deadlock's victim, or a serializable transaction PostgreSQL
/// could not order after another): it reads again and decides again, a few times.
/// </summary>
public static class LostRaces
{
    public const int Attempts = 5;

    public static async Task<T> RetryLostRacesAsync<T>(this PortalDbContext db, Func<Task<T>> work, ILogger logger, string what, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (Exception e) when (attempt < Attempts && IsLostRace(e))
            {
                logger.LogInformation(e, "{Work} lost a race with another node; running it again ({Attempt}/{Attempts})", what, attempt + 1, Attempts);
                db.ChangeTracker.Clear();
                // Racers that lost together would read and save together again (two deadlock victims can lose every
                // time in step): a growing, random pause lets the one that wins commit before the others read.
                await Task.Delay(Pause(attempt), ct);
            }
        }
    }

    private static TimeSpan Pause(int attempt) => TimeSpan.FromMilliseconds(attempt * 50 + Random.Shared.Next(100));

    private const int SqlServerDeadlockVictim = 1205;

    /// <summary>SQL Server's deadlock victim, and a duplicate key in a unique index or a unique constraint.</summary>
    public static readonly IReadOnlySet<int> SqlServerLostRaceNumbers = new HashSet<int> { SqlServerDeadlockVictim, 2601, 2627 };

    /// <summary>
    /// A save refused because another node wrote first. An execution strategy hands a deadlock over wrapped (Npgsql's as
    /// a "transient failure", SQL Server's retrying one, once out of retries, inside a RetryLimitExceededException), so the
    /// whole chain is looked through. A transaction can also lose on a read, at its commit or in SQL the portal sends
    /// itself, which are no DbUpdateException: PostgreSQL's SQLSTATE 40001 (serialization failure) and 40P01 (deadlock),
    /// and SQL Server's error numbers, say so there.
    /// </summary>
    public static bool IsLostRace(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is DbUpdateException or DbException { SqlState: "40001" or "40P01" }
                || e is SqlException sql && sql.Errors.Cast<SqlError>().Any(error => SqlServerLostRaceNumbers.Contains(error.Number)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// One of two serializable transactions refused because together they would break a rule: PostgreSQL says so with
    /// SQLSTATE 40001, SQL Server makes one the victim of the deadlock their range locks make (1205). It arrives bare at
    /// commit, or inside SaveChanges' DbUpdateException, itself wrapped by an execution strategy: the whole chain counts.
    /// </summary>
    public static bool IsSerializationFailure(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is DbException { SqlState: "40001" } || e is SqlException sql && sql.Errors.Cast<SqlError>().Any(error => error.Number == SqlServerDeadlockVictim))
            {
                return true;
            }
        }

        return false;
    }
}
