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

/// <summary>What the connections chart draws: the fleet's total, one line per server, or one per protocol.</summary>
public enum ChartBreakdown
{
    Total = 0,
    Server = 1,
    Protocol = 2,
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
    /// <param name="History">The fleet's total, oldest first, only the points with reports; empty when no agent has reported in the range.</param>
    /// <param name="Series">
    /// The lines to draw for the breakdown asked for, each with a point for every <paramref name="PointEvery"/> of the whole
    /// range (0 where nothing was reported), so the time axis spans the range chosen.
    /// </param>
    public sealed record Activity(
        int ServersOnline, int ServersEnrolled, int SessionsNow, int UsersNow, ChartRange Range, TimeSpan PointEvery, IReadOnlyList<Point> History,
        IReadOnlyList<Line> Series);

    /// <summary>One line of the chart: a name ("All servers", a server's name, "SSTP") and its points, oldest first.</summary>
    public sealed record Line(string Name, IReadOnlyList<Point> Points);

    /// <summary>The most servers drawn one by one; the rest are summed into "Other servers".</summary>
    public const int MaxServerLines = 6;

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

    public async Task<Activity> RunAsync(ChartRange range, CancellationToken ct = default) => await RunAsync(range, ChartBreakdown.Total, ct);

    public async Task<Activity> RunAsync(ChartRange range, ChartBreakdown breakdown, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var agents = await db.Servers.AsNoTracking()
            .Where(s => s.Agent != null && s.Agent.RevokedAt == null)
            .Select(s => s.Agent!.LastSeenAt)
            .ToListAsync(ct);
        var online = agents.Count(seen => AgentPresence.Classify(seen, null, now, options.Value.ReportInterval) == AgentPresenceState.Online);

        var live = db.VpnSessions.AsNoTracking().Where(s => s.EndedAt == null);
        var sessions = await live.CountAsync(ct);
        // Told apart on the live sessions' user index alone, which holds both columns (decision 0026), in any case. SQLite
        // compares in its NOCASE collation, which folds the same letters its upper() does, without making a string of
        // every name (half the time over 200,000 sessions).
        var names = live.ReadBy(nameof(PortalDbContext.VpnSessions), VpnSessionIndexes.LiveByUser).Where(s => !s.IsDeviceTunnel);
        var users = db.IsSqlite
            ? await names.Select(s => EF.Functions.Collate(s.UserName, "NOCASE")).Distinct().CountAsync(ct)
            : await names.Select(s => s.UserName.ToUpper()).Distinct().CountAsync(ct);

        var from = now - Length(range);
        var inRange = db.ConnectionSamples.AsNoTracking().Where(s => s.BucketStart >= from && s.BucketStart <= now);
        var sums = await inRange
            .GroupBy(s => s.BucketStart)
            .Select(g => new { Bucket = g.Key, Sessions = g.Sum(x => x.Sessions), Sstp = g.Sum(x => x.SstpSessions), Ikev2 = g.Sum(x => x.Ikev2Sessions) })
            .ToListAsync(ct);
        var span = PointSpan(range);
        var points = Peaks(sums.Select(s => (s.Bucket, s.Sessions)), span);
        var axis = Axis(Floor(from, span), Floor(now, span), span);
        IReadOnlyList<Line> series = breakdown switch
        {
            ChartBreakdown.Protocol =>
            [
                Fill("SSTP", Peaks(sums.Select(s => (s.Bucket, s.Sstp)), span), axis),
                Fill("IKEv2", Peaks(sums.Select(s => (s.Bucket, s.Ikev2)), span), axis),
                Fill("Other", Peaks(sums.Select(s => (s.Bucket, Math.Max(0, s.Sessions - s.Sstp - s.Ikev2))), span), axis),
            ],
            ChartBreakdown.Server => await ServerLinesAsync(inRange, sums.Select(s => (s.Bucket, s.Sessions)).ToList(), span, axis, ct),
            _ => [Fill("All servers", points, axis)],
        };
        return new Activity(online, agents.Count, sessions, users, range, span, points, series);
    }

    /// <summary>The busiest servers of the range one by one (their names), the rest summed as "Other servers".</summary>
    private async Task<IReadOnlyList<Line>> ServerLinesAsync(
        IQueryable<ConnectionSample> inRange, IReadOnlyList<(DateTimeOffset Bucket, int Sessions)> totals, TimeSpan span, IReadOnlyList<DateTime> axis, CancellationToken ct)
    {
        var busiest = await inRange
            .GroupBy(s => s.ServerId)
            .Select(g => new { ServerId = g.Key, Peak = g.Max(x => x.Sessions) })
            .OrderByDescending(g => g.Peak).ThenBy(g => g.ServerId)
            .Take(MaxServerLines)
            .Select(g => g.ServerId)
            .ToListAsync(ct);
        var names = await db.Servers.AsNoTracking().Where(s => busiest.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var rows = await inRange.Where(s => busiest.Contains(s.ServerId)).Select(s => new { s.ServerId, s.BucketStart, s.Sessions }).ToListAsync(ct);
        var lines = busiest
            .Select(id => Fill(names.GetValueOrDefault(id, "(removed server)"), Peaks(rows.Where(r => r.ServerId == id).Select(r => (r.BucketStart, r.Sessions)), span), axis))
            .OrderBy(l => l.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var drawn = rows.GroupBy(r => r.BucketStart).ToDictionary(g => g.Key, g => g.Sum(r => r.Sessions));
        var others = totals.Select(t => (t.Bucket, t.Sessions - drawn.GetValueOrDefault(t.Bucket))).Where(t => t.Item2 > 0).ToList();
        if (others.Count > 0)
        {
            lines.Add(Fill("Other servers", Peaks(others, span), axis));
        }

        return lines;
    }

    /// <summary>The highest value in each point of <paramref name="span"/>, oldest first.</summary>
    private static List<Point> Peaks(IEnumerable<(DateTimeOffset Bucket, int Sessions)> samples, TimeSpan span) =>
        samples.GroupBy(s => Floor(s.Bucket, span))
            .Select(g => new Point(g.Key.UtcDateTime, g.Max(x => x.Sessions)))
            .OrderBy(p => p.At)
            .ToList();

    private static List<DateTime> Axis(DateTimeOffset first, DateTimeOffset last, TimeSpan span)
    {
        var axis = new List<DateTime>();
        for (var at = first; at <= last; at += span)
        {
            axis.Add(at.UtcDateTime);
        }

        return axis;
    }

    private static Line Fill(string name, IReadOnlyList<Point> points, IReadOnlyList<DateTime> axis)
    {
        var known = points.ToDictionary(p => p.At, p => p.Sessions);
        return new Line(name, axis.Select(at => new Point(at, known.GetValueOrDefault(at))).ToList());
    }

    private static DateTimeOffset Floor(DateTimeOffset at, TimeSpan span)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % span.Ticks, TimeSpan.Zero);
    }
}
