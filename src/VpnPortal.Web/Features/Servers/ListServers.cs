using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Agents;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Features.Servers;

/// <summary>
/// Server lists for pages and the API: filter, sort by name, page. Agent presence is judged by <c>time</c> (else the
/// system clock) in units of <c>reportInterval</c> (else the protocol's default).
/// </summary>
public sealed class ListServers(PortalDbContext db, TimeProvider? time = null, TimeSpan? reportInterval = null)
{
    public sealed record Query(ServerRole? Role = null, string? Search = null, string? Site = null, int Skip = 0, int Take = 50);

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
        var query = db.Servers.AsNoTracking();
        if (q.Role is { } role)
        {
            query = query.Where(s => s.Role == role);
        }

        if (!string.IsNullOrWhiteSpace(q.Search))
        {
            var term = q.Search.Trim().ToUpper();
            query = query.Where(s => s.Name.ToUpper().Contains(term) || (s.HostFqdn != null && s.HostFqdn.ToUpper().Contains(term)) || (s.Site != null && s.Site.ToUpper().Contains(term)));
        }

        if (!string.IsNullOrWhiteSpace(q.Site))
        {
            query = query.Where(s => s.Site == q.Site);
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(s => s.Name).Skip(skip).Take(take)
            .Select(s => new ServerRow(
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
                s is NpsServer ? ((NpsServer)s).MfaExtension : null))
            .ToListAsync(ct);
        return new Page<ServerRow>(await WithAgentsAsync(items, ct), total, skip, take);
    }

    private async Task<List<ServerRow>> WithAgentsAsync(List<ServerRow> rows, CancellationToken ct)
    {
        var ids = rows.Where(r => r.HasAgent).Select(r => r.Id).ToList();
        var agents = ids.Count == 0
            ? []
            : await db.Servers.AsNoTracking().Where(s => ids.Contains(s.Id) && s.Agent != null)
                .Select(s => new { s.Id, s.Agent!.LastSeenAt, s.Agent.RevokedAt, s.Agent.AgentVersion })
                .ToDictionaryAsync(a => a.Id, ct);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var interval = reportInterval ?? TimeSpan.FromSeconds(Contracts.Agents.AgentRoutes.DefaultReportIntervalSeconds);
        return rows.Select(r => r with
        {
            Agent = agents.TryGetValue(r.Id, out var a)
                    ? new AgentSummary(PresenceText.ApiName(AgentPresence.Classify(a.LastSeenAt, a.RevokedAt, now, interval)), r.LastReportAt, a.LastSeenAt, a.AgentVersion)
                    : new AgentSummary(PresenceText.NoAgent, r.LastReportAt, null, null),
        })
            .ToList();
    }
}
