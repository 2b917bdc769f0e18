using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Radius;

namespace VpnPortal.Web.Features.Dashboard;

/// <summary>
/// The fleet at a glance for admins and on-call staff: a handful of aggregate queries, nothing tracked. Live sessions and
/// users are <see cref="GetFleetActivity"/>'s, which the dashboard shows beside this: counted once, they cannot disagree.
/// </summary>
public sealed class GetDashboard(PortalDbContext db, TimeProvider time)
{
    /// <summary>An agent that has not reported for this long is called silent.</summary>
    public static readonly TimeSpan ReportingWindow = TimeSpan.FromMinutes(5);

    public const int SoonestCount = 6;
    public const int AuditCount = 8;

    /// <param name="IncludeAudit">Admins only: the latest audit entries are not for on-call eyes.</param>
    public sealed record Query(bool IncludeAudit);

    /// <param name="Total">All servers of the role.</param>
    /// <param name="Reporting">Servers whose agent reported within <see cref="ReportingWindow"/>.</param>
    /// <param name="EnteredByHand">Servers without an agent: the portal only knows what an admin typed.</param>
    public sealed record ServerStats(int Total, int Reporting, int EnteredByHand)
    {
        /// <summary>Servers with an agent that has gone quiet.</summary>
        public int Silent => Total - Reporting - EnteredByHand;
    }

    public sealed record ExpiringCertificate(Guid Id, string Subject, DateTimeOffset NotAfter, int ServerCount);

    public sealed record AuditLine(long Id, DateTimeOffset OccurredAt, string Actor, string Action, string Summary);

    public sealed record Summary(
        ServerStats Rras,
        ServerStats Nps,
        int NpsWithShortTimeout,
        int Certificates,
        int CertificatesExpired,
        int CertificatesExpiring,
        IReadOnlyList<ExpiringCertificate> ExpiringSoonest,
        IReadOnlyList<AuditLine>? RecentAudit)
    {
        /// <summary>A new install: no server of either role yet.</summary>
        public bool HasNoServers => Rras.Total == 0 && Nps.Total == 0;
    }

    public async Task<Summary> RunAsync(Query q, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var reportedSince = now - ReportingWindow;
        var soon = CertificateExpiry.SoonCutoff(now);

        var servers = await db.Servers.AsNoTracking()
            .GroupBy(s => s.Role)
            .Select(g => new
            {
                Role = g.Key,
                Total = g.Count(),
                Reporting = g.Count(s => s.LastReportAt != null && s.LastReportAt >= reportedSince),
                ByHand = g.Count(s => s.AgentId == null),
            })
            .ToListAsync(ct);
        ServerStats Stats(ServerRole role) =>
            servers.Where(s => s.Role == role).Select(s => new ServerStats(s.Total, s.Reporting, s.ByHand)).FirstOrDefault() ?? new ServerStats(0, 0, 0);
        var rras = Stats(ServerRole.Rras);
        var nps = Stats(ServerRole.Nps);

        var shortTimeouts = nps.Total == 0 ? 0 : await db.NpsServers.CountAsync(s => s.RadiusTimeoutSeconds < RadiusTimeouts.PhoneCallMfaSeconds, ct);
        var certificates = await db.Certificates.AsNoTracking()
            .GroupBy(_ => 1)
            .Select(g => new { Total = g.Count(), Expired = g.Count(c => c.NotAfter < now), Expiring = g.Count(c => c.NotAfter >= now && c.NotAfter < soon) })
            .FirstOrDefaultAsync(ct);
        var soonest = certificates is null
            ? []
            : await db.Certificates.AsNoTracking()
                .Where(c => c.NotAfter >= now)
                .OrderBy(c => c.NotAfter).ThenBy(c => c.Subject).ThenBy(c => c.Id)
                .Take(SoonestCount)
                .Select(c => new ExpiringCertificate(c.Id, c.Subject, c.NotAfter, c.Locations.Select(l => l.ServerId).Distinct().Count()))
                .ToListAsync(ct);
        var audit = q.IncludeAudit
            ? await db.AuditEntries.AsNoTracking()
                .OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id)
                .Take(AuditCount)
                .Select(a => new AuditLine(a.Id, a.OccurredAt, a.Actor, a.Action, a.Summary))
                .ToListAsync(ct)
            : null;

        return new Summary(rras, nps, shortTimeouts, certificates?.Total ?? 0, certificates?.Expired ?? 0, certificates?.Expiring ?? 0, soonest, audit);
    }
}
