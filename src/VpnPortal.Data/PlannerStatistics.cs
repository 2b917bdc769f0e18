using Microsoft.EntityFrameworkCore;

namespace VpnPortal.Data;

/// <summary>
/// The statistics a database's query planner chooses indexes by. PostgreSQL (autovacuum) and SQL Server (automatic
/// statistics) keep theirs up to date themselves. SQLite keeps none until asked, and without them guesses how many
/// rows an index holds; so the portal asks it at start and every hour. (The reads over every live session name their
/// index anyway: <see cref="IndexHints"/>, decision 0026.)
/// </summary>
public static class PlannerStatistics
{
    /// <summary>
    /// The rows SQLite samples per index (PRAGMA analysis_limit): enough for the planner to tell a selective index from
    /// one that holds every live session, while a run stays well under a second however big the tables grow.
    /// </summary>
    public const int SqliteAnalysisLimit = 1000;

    /// <summary>Refreshes the planner's statistics where the database does not keep them itself (SQLite); a no-op elsewhere.</summary>
    public static async Task RefreshAsync(PortalDbContext db, CancellationToken ct)
    {
        if (db.IsSqlite)
        {
            // 0x10002: analyse every table that needs it, including those this connection has not used yet
            // (https://sqlite.org/pragma.html#pragma_optimize).
            await db.Database.ExecuteSqlRawAsync($"PRAGMA analysis_limit = {SqliteAnalysisLimit}; PRAGMA optimize = 0x10002;", ct);
        }
    }
}
