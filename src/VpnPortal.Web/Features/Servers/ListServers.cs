using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Agents;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Features.Servers;

/// <summary>
/// Server lists for pages, exports and the API: filter, sort (by name unless asked otherwise), page. Agent presence is
/// judged against the agents' report interval.
/// </summary>
public sealed class ListServers(PortalDbContext db, TimeProvider time, IOptions<AgentOptions> agentOptions)
{
    public sealed record Query(ServerRole? Role = null, string? Search = null, string? Site = null, int Skip = 0, int Take = 50, IReadOnlyList<SortBy>? Sort = null)
    {
        public Filter Filter => new(Role, Search, Site);
    }

    /// <summary>Which servers. Search: part of the name, DNS name or site, any case. Site: one site, whole.</summary>
    public sealed record Filter(ServerRole? Role = null, string? Search = null, string? Site = null);

    /// <summary>The columns servers sort by, named as <see cref="ServerRow"/>'s properties; by name by default, and by name (unique) within ties.</summary>
    public static readonly SortMap<ManagedServer> Sorts = new SortMap<ManagedServer>(nameof(ServerRow.Name), defaultDescending: false)
        .Add(nameof(ServerRow.Name), s => s.Name)
        .Add(nameof(ServerRow.HostFqdn), s => s.HostFqdn)
        .Add(nameof(ServerRow.Site), s => s.Site)
        .Add(nameof(ServerRow.LastReportAt), s => s.LastReportAt)
        .Add(nameof(ServerRow.HasAgent), s => s.AgentId != null)
        .Add(nameof(ServerRow.Protocols), s => s is RrasServer ? ((RrasServer)s).Protocols : VpnProtocols.None)
        .Add(nameof(ServerRow.LiveSessions), s => s is RrasServer ? ((RrasServer)s).Sessions.Count(v => v.EndedAt == null) : 0)
        .Add<int?>(nameof(ServerRow.RadiusTimeoutSeconds), s => s is NpsServer ? ((NpsServer)s).RadiusTimeoutSeconds : null)
        .Add<MfaExtensionState?>(nameof(ServerRow.MfaExtension), s => s is NpsServer ? ((NpsServer)s).MfaExtension : null)
        .TieBreak(s => s.Name);

    public sealed record ServerRow(
        Guid Id,
        ServerRole Role,
        string Name,
        string? HostFqdn,
        IReadOnlyList<string> PublicFqdns,
        string? Site,
        VpnProtocols Protocols,
        int SstpListenerPort,
        bool TlsOffload,
        bool HasAgent,
        DateTimeOffset? LastReportAt,
        int LiveSessions,
        DateTimeOffset UpdatedAt,
        int? RadiusTimeoutSeconds = null,
        MfaExtensionState? MfaExtension = null,
        AgentSummary? Agent = null);

    /// <summary>A server's agent; State is online, late, offline, never-seen, revoked, or none (no agent: entered by hand).</summary>
    public sealed record AgentSummary(string State, DateTimeOffset? LastReportAt, DateTimeOffset? LastSeenAt, string? AgentVersion);

    public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Skip, int Take);

    public const int MaxTake = 500;

    public async Task<Page<ServerRow>> RunAsync(Query q, CancellationToken ct = default)
    {
        var take = Math.Clamp(q.Take, 1, MaxTake);
        var skip = Math.Max(0, q.Skip);
        var page = await PageAsync(q.Filter, new TableRequest(skip, take, q.Sort ?? []), ct);
        return new Page<ServerRow>(page.Items, page.Total, skip, take);
    }

    /// <summary>One page of the servers the filter matches, in the requested order, and how many match in all.</summary>
    public async Task<TablePage<ServerRow>> PageAsync(Filter filter, TableRequest request, CancellationToken ct = default)
    {
        var query = Where(filter);
        var total = await query.CountAsync(ct);
        var items = await Project(Sorts.Apply(query, request.Sorts).Skip(Math.Max(0, request.Skip)).Take(Math.Clamp(request.Take, 1, MaxTake))).ToListAsync(ct);
        return new TablePage<ServerRow>(await WithAgentsAsync(items, ct), total);
    }

    /// <summary>Every server the filter matches, in the requested order (an export; a fleet has hundreds at most).</summary>
    public async Task<List<ServerRow>> AllAsync(Filter filter, IReadOnlyList<SortBy> sorts, CancellationToken ct = default) =>
        await WithAgentsAsync(await Project(Sorts.Apply(Where(filter), sorts)).ToListAsync(ct), ct);

    private IQueryable<ManagedServer> Where(Filter f)
    {
        var query = db.Servers.AsNoTracking();
        if (f.Role is { } role)
        {
            query = query.Where(s => s.Role == role);
        }

        if (!string.IsNullOrWhiteSpace(f.Search))
        {
            var term = f.Search.Trim().ToUpper();
            query = query.Where(s => s.Name.ToUpper().Contains(term) || (s.HostFqdn != null && s.HostFqdn.ToUpper().Contains(term)) || (s.Site != null && s.Site.ToUpper().Contains(term)));
        }

        if (!string.IsNullOrWhiteSpace(f.Site))
        {
            query = query.Where(s => s.Site == f.Site);
        }

        return query;
    }

    private IQueryable<ServerRow> Project(IQueryable<ManagedServer> query) => query.Select(s => new ServerRow(
        s.Id,
        s.Role,
        s.Name,
        s.HostFqdn,
        s is RrasServer ? ((RrasServer)s).PublicFqdns : new List<string>(),
        s.Site,
        s is RrasServer ? ((RrasServer)s).Protocols : VpnProtocols.None,
        s is RrasServer ? ((RrasServer)s).SstpListenerPort : 0,
        s is RrasServer && ((RrasServer)s).TlsOffload,
        s.AgentId != null,
        s.LastReportAt,
        db.VpnSessions.Count(v => v.RrasServerId == s.Id && v.EndedAt == null),
        s.UpdatedAt,
        s is NpsServer ? ((NpsServer)s).RadiusTimeoutSeconds : null,
        s is NpsServer ? ((NpsServer)s).MfaExtension : null,
        null));

    private async Task<List<ServerRow>> WithAgentsAsync(List<ServerRow> rows, CancellationToken ct)
    {
        var ids = rows.Where(r => r.HasAgent).Select(r => r.Id).ToList();
        var agents = ids.Count == 0
            ? []
            : await db.Servers.AsNoTracking().Where(s => ids.Contains(s.Id) && s.Agent != null)
                .Select(s => new { s.Id, s.Agent!.LastSeenAt, s.Agent.RevokedAt, s.Agent.AgentVersion })
                .ToDictionaryAsync(a => a.Id, ct);
        var now = time.GetUtcNow();
        var interval = agentOptions.Value.ReportInterval;
        return rows.Select(r => r with
        {
            Agent = agents.TryGetValue(r.Id, out var a)
                    ? new AgentSummary(PresenceText.ApiName(AgentPresence.Classify(a.LastSeenAt, a.RevokedAt, now, interval)), r.LastReportAt, a.LastSeenAt, a.AgentVersion)
                    : new AgentSummary(PresenceText.NoAgent, r.LastReportAt, null, null),
        })
            .ToList();
    }
}
