using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Servers;

/// <summary>Server lists for pages and the API: filter, sort by name, page.</summary>
public sealed class ListServers(PortalDbContext db)
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
        MfaExtensionState? MfaExtension = null);

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
        return new Page<ServerRow>(items, total, skip, take);
    }
}
