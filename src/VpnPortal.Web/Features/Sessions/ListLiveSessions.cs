using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Components.Grids;

namespace VpnPortal.Web.Features.Sessions;

/// <summary>
/// Live VPN sessions (not ended in the last report) across the fleet or on one server: filtered, sorted and paged in
/// the database, newest first unless another order is asked for.
/// </summary>
public sealed class ListLiveSessions(PortalDbContext db)
{
    public const int MaxTake = TableRequest.MaxTake;

    /// <summary>The most sessions a server page loads to sort and filter in the browser's circuit.</summary>
    public const int MaxPerServer = 5000;

    /// <summary>
    /// The columns sessions sort by, named as <see cref="SessionRow"/>'s properties (the grid's column names and the
    /// API's <c>sort</c>); newest connection first by default.
    /// </summary>
    public static readonly SortMap<VpnSession> Sorts = new SortMap<VpnSession>(nameof(SessionRow.ConnectionStartTime), defaultDescending: true)
        .Add(nameof(SessionRow.UserName), s => s.UserName)
        .Add(nameof(SessionRow.ServerName), s => s.RrasServer!.Name)
        .Add(nameof(SessionRow.TunnelType), s => s.TunnelType)
        .Add(nameof(SessionRow.ClientExternalAddress), s => s.ClientExternalAddress)
        .Add(nameof(SessionRow.TunnelAddress), s => s.ClientInternalAddress)
        .Add(nameof(SessionRow.HostName), s => s.HostName)
        .Add(nameof(SessionRow.ConnectionStartTime), s => s.ConnectionStartTime)
        .Add(nameof(SessionRow.BytesIn), s => s.BytesIn)
        .Add(nameof(SessionRow.BytesOut), s => s.BytesOut)
        .Add(nameof(SessionRow.LastSeenAt), s => s.LastSeenAt)
        .TieBreak(s => s.Id);

    /// <summary>
    /// Which live sessions. User: part of any of the session's user names, any case. Server: a server's id, or its name
    /// in any case. Search: part of a user name, the host name, the external or the tunnel address, any case.
    /// Protocol: one tunnel type.
    /// </summary>
    public sealed record Filter(string? User = null, string? Server = null, string? Search = null, TunnelType? Protocol = null);

    /// <summary>The API's request: a filter, a page and an order.</summary>
    public sealed record Query(string? User = null, string? Server = null, int Skip = 0, int Take = 100, string? Search = null, TunnelType? Protocol = null, IReadOnlyList<SortBy>? Sort = null)
    {
        public Filter Filter => new(User, Server, Search, Protocol);
    }

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

    /// <summary>A tunnel type as the API spells it (sstp, ikev2, l2tp, pptp), any case; null for anything else.</summary>
    public static TunnelType? ParseTunnel(string? name) =>
        Enum.TryParse<TunnelType>(name?.Trim(), ignoreCase: true, out var t) && Enum.IsDefined(t) && !int.TryParse(name, out _) ? t : null;

    public async Task<Page> RunAsync(Query q, CancellationToken ct = default)
    {
        var skip = Math.Max(0, q.Skip);
        var take = Math.Clamp(q.Take, 1, MaxTake);
        var page = await PageAsync(q.Filter, new TableRequest(skip, take, q.Sort ?? []), ct);
        return new Page(page.Items, page.Total, skip, take);
    }

    /// <summary>One page of the sessions the filter matches, in the requested order, and how many match in all.</summary>
    public async Task<TablePage<SessionRow>> PageAsync(Filter filter, TableRequest request, CancellationToken ct = default)
    {
        var query = Where(filter);
        var total = await ReadBy(query, filter, null).CountAsync(ct);
        var items = await Project(Sorts.Apply(ReadBy(query, filter, request.Sorts), request.Sorts)
                .Skip(Math.Max(0, request.Skip)).Take(Math.Clamp(request.Take, 1, MaxTake)))
            .ToListAsync(ct);
        return new TablePage<SessionRow>(items.Select(Row).ToList(), total);
    }

    /// <summary>Every session the filter matches, in the requested order, read as they are written out (an export).</summary>
    public async IAsyncEnumerable<SessionRow> AllAsync(Filter filter, IReadOnlyList<SortBy> sorts, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var s in Project(Sorts.Apply(ReadBy(Where(filter), filter, null), sorts)).AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return Row(s);
        }
    }

    /// <summary>One server's live sessions (at most <see cref="MaxPerServer"/>), newest first.</summary>
    public async Task<List<SessionRow>> ForServerAsync(Guid serverId, CancellationToken ct = default) =>
        (await Project(db.VpnSessions.AsNoTracking().Where(s => s.RrasServerId == serverId && s.EndedAt == null)
            .OrderByDescending(s => s.ConnectionStartTime).ThenBy(s => s.Id).Take(MaxPerServer)).ToListAsync(ct))
        .Select(Row).ToList();

    /// <summary>
    /// The index a read of the whole fleet walks (decision 0026; SQLite follows it, the others plan by their own
    /// statistics). One server's sessions: that server's index. An unfiltered page in an order an index keeps: that
    /// index, stopping after the page. Anything else (a count, a search, a protocol, another order, an export) reads
    /// every live session, in the order they were stored, and none of the history: walking an ordered index until a
    /// page of a rare protocol or name turns up would look every session up one at a time, ten times slower.
    /// </summary>
    private static IQueryable<VpnSession> ReadBy(IQueryable<VpnSession> query, Filter f, IReadOnlyList<SortBy>? page)
    {
        if (!string.IsNullOrWhiteSpace(f.Server))
        {
            return query;
        }

        var filtered = !string.IsNullOrWhiteSpace(f.Search) || !string.IsNullOrWhiteSpace(f.User) || f.Protocol is not null;
        var order = page is null || filtered ? null : page.Count == 0 ? Sorts.DefaultColumn : page[0].Column;
        var index = order switch
        {
            nameof(SessionRow.ConnectionStartTime) => VpnSessionIndexes.LiveByStart,
            nameof(SessionRow.UserName) => VpnSessionIndexes.LiveByUser,
            _ => VpnSessionIndexes.ByEndedAt,
        };
        return query.ReadBy(nameof(PortalDbContext.VpnSessions), index);
    }

    private IQueryable<VpnSession> Where(Filter f)
    {
        var query = db.VpnSessions.AsNoTracking().Where(s => s.EndedAt == null);
        if (!string.IsNullOrWhiteSpace(f.User))
        {
            var term = f.User.Trim().ToUpper();
            query = query.Where(s => s.UserName.ToUpper().Contains(term) || s.UserNames.Any(n => n.ToUpper().Contains(term)));
        }

        if (!string.IsNullOrWhiteSpace(f.Search))
        {
            var term = f.Search.Trim().ToUpper();
            query = query.Where(s => s.UserName.ToUpper().Contains(term)
                || s.UserNames.Any(n => n.ToUpper().Contains(term))
                || (s.HostName != null && s.HostName.ToUpper().Contains(term))
                || (s.ClientExternalAddress != null && s.ClientExternalAddress.ToUpper().Contains(term))
                || (s.ClientInternalAddress != null && s.ClientInternalAddress.ToUpper().Contains(term)));
        }

        if (!string.IsNullOrWhiteSpace(f.Server))
        {
            var server = f.Server.Trim();
            if (Guid.TryParse(server, out var id))
            {
                query = query.Where(s => s.RrasServerId == id);
            }
            else
            {
                // The server's id found first, so its sessions are read by the server's index, not by a join over them all.
                var name = server.ToUpper();
                var named = db.RrasServers.Where(r => r.Name.ToUpper() == name).Select(r => r.Id);
                query = query.Where(s => named.Contains(s.RrasServerId));
            }
        }

        if (f.Protocol is { } protocol)
        {
            query = query.Where(s => s.TunnelType == protocol);
        }

        return query;
    }

    private sealed record Projected(
        Guid Id, Guid RrasServerId, string ServerName, string UserName, List<string> UserNames, bool IsDeviceTunnel, string? HostName,
        string? ClientExternalAddress, string? ClientInternalAddress, TunnelType TunnelType, string? AuthMethod,
        DateTimeOffset ConnectionStartTime, long BytesIn, long BytesOut, DateTimeOffset LastSeenAt);

    private static IQueryable<Projected> Project(IQueryable<VpnSession> query) => query.Select(s => new Projected(
        s.Id, s.RrasServerId, s.RrasServer!.Name, s.UserName, s.UserNames, s.IsDeviceTunnel, s.HostName, s.ClientExternalAddress,
        s.ClientInternalAddress, s.TunnelType, s.AuthMethod, s.ConnectionStartTime, s.BytesIn, s.BytesOut, s.LastSeenAt));

    private static SessionRow Row(Projected s) => new(
        s.Id, s.RrasServerId, s.ServerName, s.UserName, s.UserNames, s.IsDeviceTunnel, s.HostName, s.ClientExternalAddress,
        s.ClientInternalAddress, TunnelName(s.TunnelType), s.AuthMethod, s.ConnectionStartTime, s.BytesIn, s.BytesOut, s.LastSeenAt);
}
