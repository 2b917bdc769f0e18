using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace VpnPortal.Data;

/// <summary>
/// Work that reads, decides and saves in one unit, whose save can lose to another node's doing the same (a version, a
/// unique open key, PostgreSQL choosing it as a deadlock's victim, or a serializable transaction PostgreSQL could not
/// order after another): it reads again and decides again, a few times.
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

    /// <summary>
    /// A save refused because another node wrote first. Npgsql's execution strategy hands a deadlock over wrapped as a
    /// "transient failure", so the DbUpdateException is looked for through the whole chain. A serializable transaction
    /// can also lose on a read or at its commit, which are no DbUpdateException: SQLSTATE 40001 (serialization failure)
    /// and 40P01 (deadlock) say so there.
    /// </summary>
    public static bool IsLostRace(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is DbUpdateException or DbException { SqlState: "40001" or "40P01" })
            {
                return true;
            }
        }

        return false;
    }
}
