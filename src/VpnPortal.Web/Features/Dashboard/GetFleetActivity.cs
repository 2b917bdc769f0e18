using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Agents;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Features.Dashboard;

public enum ChartRange
{
    SixHours = 1,
    Day = 2,
    Week = 3,
}

/// <summary>The fleet right now (agents online, sessions, users) and connections over time, summed across servers.</summary>
public sealed class GetFleetActivity(PortalDbContext db, TimeProvider time, IOptions<AgentOptions> options)
{
    /// <param name="At">UTC start of the point's bucket.</param>
    /// <param name="Sessions">The most sessions the fleet had at once in the bucket (sum over servers of each five-minute sample).</param>
    public sealed record Point(DateTime At, int Sessions);

    /// <param name="ServersOnline">Servers whose current agent is online.</param>
    /// <param name="ServersEnrolled">Servers with a current, unrevoked agent.</param>
    /// <param name="SessionsNow">Live sessions across the fleet.</param>
    /// <param name="UsersNow">Distinct user names across live user-tunnel sessions (device tunnels are machines, not users).</param>
    /// <param name="Range">The range the chart covers, up to now.</param>
    /// <param name="PointEvery">How much time each point of the chart covers.</param>
    /// <param name="History">The chart, oldest first; empty when no agent has reported in the range.</param>
    public sealed record Activity(int ServersOnline, int ServersEnrolled, int SessionsNow, int UsersNow, ChartRange Range, TimeSpan PointEvery, IReadOnlyList<Point> History);

    public static TimeSpan Length(ChartRange range) => range switch
    {
        ChartRange.Day => TimeSpan.FromHours(24),
        ChartRange.Week => TimeSpan.FromDays(7),
        _ => TimeSpan.FromHours(6),
    };

    /// <summary>Each point of the chart covers this much: about a hundred points whatever the range.</summary>
    public static TimeSpan PointSpan(ChartRange range) => range switch
    {
        ChartRange.Day => TimeSpan.FromMinutes(15),
        ChartRange.Week => TimeSpan.FromHours(1),
        _ => TimeSpan.FromMinutes(ConnectionSample.BucketMinutes),
    };

    public async Task<Activity> RunAsync(ChartRange range, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var agents = await db.Servers.AsNoTracking()
            .Where(s => s.Agent != null && s.Agent.RevokedAt == null)
            .Select(s => s.Agent!.LastSeenAt)
            .ToListAsync(ct);
        var online = agents.Count(seen => AgentPresence.Classify(seen, null, now, options.Value.ReportInterval) == AgentPresenceState.Online);

        var live = db.VpnSessions.AsNoTracking().Where(s => s.EndedAt == null);
        var sessions = await live.CountAsync(ct);
        var users = await live.Where(s => !s.IsDeviceTunnel).Select(s => s.UserName.ToUpper()).Distinct().CountAsync(ct);

        var from = now - Length(range);
        var sums = await db.ConnectionSamples.AsNoTracking()
            .Where(s => s.BucketStart >= from && s.BucketStart <= now)
            .GroupBy(s => s.BucketStart)
            .Select(g => new { Bucket = g.Key, Sessions = g.Sum(x => x.Sessions) })
            .ToListAsync(ct);
        var span = PointSpan(range);
        var points = sums
            .GroupBy(s => Floor(s.Bucket, span))
            .Select(g => new Point(g.Key.UtcDateTime, g.Max(x => x.Sessions)))
            .OrderBy(p => p.At)
            .ToList();
        return new Activity(online, agents.Count, sessions, users, range, span, points);
    }

    private static DateTimeOffset Floor(DateTimeOffset at, TimeSpan span)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % span.Ticks, TimeSpan.Zero);
    }
}
