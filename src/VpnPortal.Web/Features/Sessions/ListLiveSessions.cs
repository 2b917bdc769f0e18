using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Sessions;

/// <summary>Live VPN sessions (not ended in the last report) across the fleet or on one server, newest first.</summary>
public sealed class ListLiveSessions(PortalDbContext db)
{
    public const int MaxTake = 500;

    /// <summary>The most sessions a server page loads to sort and filter in the browser's circuit.</summary>
    public const int MaxPerServer = 5000;

    /// <summary>User: part of any of the session's user names, any case. Server: a server's id, or its name in any case.</summary>
    public sealed record Query(string? User = null, string? Server = null, int Skip = 0, int Take = 100);

    /// <summary>A live session; TunnelType is sstp, ikev2, l2tp, pptp or unknown; TunnelAddress the client's address inside the tunnel.</summary>
    public sealed record SessionRow(
        Guid Id,
        Guid ServerId,
        string ServerName,
        string UserName,
        IReadOnlyList<string> UserNames,
        bool IsDeviceTunnel,
        string? HostName,
        string? ClientExternalAddress,
        string? TunnelAddress,
        string TunnelType,
        string? AuthMethod,
        DateTimeOffset ConnectionStartTime,
        long BytesIn,
        long BytesOut,
        DateTimeOffset LastSeenAt)
    {
        /// <summary>Every name the session goes by, the main one first, each once.</summary>
        public IEnumerable<string> AllNames => new[] { UserName }.Concat(UserNames).Distinct(StringComparer.OrdinalIgnoreCase);
    }

    public sealed record Page(IReadOnlyList<SessionRow> Items, int Total, int Skip, int Take);

    public static string TunnelName(TunnelType t) => t == Data.Entities.TunnelType.Unknown ? "unknown" : t.ToString().ToLowerInvariant();

    public async Task<Page> RunAsync(Query q, CancellationToken ct = default)
    {
        var skip = Math.Max(0, q.Skip);
        var take = Math.Clamp(q.Take, 1, MaxTake);
        var query = db.VpnSessions.AsNoTracking().Where(s => s.EndedAt == null);
        if (!string.IsNullOrWhiteSpace(q.User))
        {
            var term = q.User.Trim().ToUpper();
            query = query.Where(s => s.UserName.ToUpper().Contains(term) || s.UserNames.Any(n => n.ToUpper().Contains(term)));
        }

        if (!string.IsNullOrWhiteSpace(q.Server))
        {
            var server = q.Server.Trim();
            if (Guid.TryParse(server, out var id))
            {
                query = query.Where(s => s.RrasServerId == id);
            }
            else
            {
                var name = server.ToUpper();
                query = query.Where(s => s.RrasServer!.Name.ToUpper() == name);
            }
        }

        var total = await query.CountAsync(ct);
        var items = await Project(query.OrderByDescending(s => s.ConnectionStartTime).ThenBy(s => s.Id).Skip(skip).Take(take), ct);
        return new Page(items, total, skip, take);
    }

    /// <summary>One server's live sessions (at most <see cref="MaxPerServer"/>), newest first.</summary>
    public Task<List<SessionRow>> ForServerAsync(Guid serverId, CancellationToken ct = default) =>
        Project(db.VpnSessions.AsNoTracking().Where(s => s.RrasServerId == serverId && s.EndedAt == null)
            .OrderByDescending(s => s.ConnectionStartTime).ThenBy(s => s.Id).Take(MaxPerServer), ct);

    private static async Task<List<SessionRow>> Project(IQueryable<VpnSession> query, CancellationToken ct)
    {
        var rows = await query
            .Select(s => new
            {
                s.Id,
                s.RrasServerId,
                ServerName = s.RrasServer!.Name,
                s.UserName,
                s.UserNames,
                s.IsDeviceTunnel,
                s.HostName,
                s.ClientExternalAddress,
                s.ClientInternalAddress,
                s.TunnelType,
                s.AuthMethod,
                s.ConnectionStartTime,
                s.BytesIn,
                s.BytesOut,
                s.LastSeenAt,
            })
            .ToListAsync(ct);
        return rows.Select(s => new SessionRow(
                s.Id, s.RrasServerId, s.ServerName, s.UserName, s.UserNames, s.IsDeviceTunnel, s.HostName, s.ClientExternalAddress,
                s.ClientInternalAddress, TunnelName(s.TunnelType), s.AuthMethod, s.ConnectionStartTime, s.BytesIn, s.BytesOut, s.LastSeenAt))
            .ToList();
    }
}
