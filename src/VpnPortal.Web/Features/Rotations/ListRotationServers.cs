using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Agents;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Features.Rotations;

/// <summary>
/// The RRAS servers a rollout can be planned for (those with an enrolled agent), with what the admin needs to choose
/// and order them: the names clients dial, the SSTP certificate each uses now, TLS offload, and whether its agent is there.
/// </summary>
public sealed class ListRotationServers(PortalDbContext db, TimeProvider time, IOptions<AgentOptions> agents)
{
    public sealed record Candidate(
        Guid Id, string Name, IReadOnlyList<string> PublicFqdns, bool TlsOffload, string? CurrentSha1, string? CurrentSubject, DateTimeOffset? CurrentNotAfter,
        AgentPresenceState Presence, bool InOpenRollout);

    public async Task<IReadOnlyList<Candidate>> RunAsync(CancellationToken ct = default)
    {
        var rows = await db.RrasServers.AsNoTracking()
            .Where(s => s.AgentId != null && s.Agent!.RevokedAt == null)
            .OrderBy(s => s.Name)
            .Select(s => new
            {
                s.Id,
                s.Name,
                s.PublicFqdns,
                // PlanRotation treats "Use HTTP" as offloaded too: the listener then speaks plain HTTP behind the balancer.
                Offload = s.TlsOffload || s.Sstp.UseHttps == false,
                s.Sstp.ConfiguredCertificateSha1,
                s.Agent!.LastSeenAt,
                InOpenRollout = db.SstpRotationServers.Any(r => r.ServerId == s.Id
                    && (r.Rotation!.Status == RotationStatus.Running || r.Rotation.Status == RotationStatus.Stopped)),
            })
            .ToListAsync(ct);

        var thumbprints = rows.Select(r => r.ConfiguredCertificateSha1).OfType<string>().Select(t => t.ToUpperInvariant()).Distinct().ToList();
        var certificates = await db.Certificates.AsNoTracking()
            .Where(c => thumbprints.Contains(c.Sha1Thumbprint))
            .Select(c => new { c.Sha1Thumbprint, c.Subject, c.NotAfter })
            .ToDictionaryAsync(c => c.Sha1Thumbprint, StringComparer.OrdinalIgnoreCase, ct);

        var now = time.GetUtcNow();
        return rows
            .OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select(r =>
            {
                var current = r.ConfiguredCertificateSha1 is { } sha1 && certificates.TryGetValue(sha1, out var c) ? c : null;
                return new Candidate(
                    r.Id, r.Name, r.PublicFqdns, r.Offload, r.ConfiguredCertificateSha1?.ToUpperInvariant(), current?.Subject, current?.NotAfter,
                    AgentPresence.Classify(r.LastSeenAt, null, now, agents.Value.ReportInterval), r.InOpenRollout);
            })
            .ToList();
    }
}
