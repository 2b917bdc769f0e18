using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Servers;

/// <summary>One server with what its agent reported: bindings, certificates by store, live sessions.</summary>
public sealed class GetServer(PortalDbContext db)
{
    public sealed record InstalledCertificate(Guid CertificateId, string Sha1Thumbprint, string Subject, DateTimeOffset NotAfter, CertificateStoreName Store, bool HasPrivateKey);

    public sealed record Detail(
        ManagedServer Server,
        IReadOnlyList<SstpBinding> Bindings,
        IReadOnlyList<RadiusServerSetting> RadiusServers,
        IReadOnlyList<InstalledCertificate> Certificates,
        IReadOnlyList<VpnSession> LiveSessions);

    public async Task<Detail?> RunAsync(Guid id, CancellationToken ct = default)
    {
        var server = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (server is null)
        {
            return null;
        }

        var bindings = await db.SstpBindings.AsNoTracking().Where(b => b.RrasServerId == id).OrderBy(b => b.IpPort).ToListAsync(ct);
        var radius = await db.RadiusServerSettings.AsNoTracking().Where(r => r.RrasServerId == id).OrderBy(r => r.Priority).ToListAsync(ct);
        var certificates = await db.CertificateLocations.AsNoTracking().Where(l => l.ServerId == id)
            .Select(l => new InstalledCertificate(l.CertificateId, l.Certificate!.Sha1Thumbprint, l.Certificate.Subject, l.Certificate.NotAfter, l.Store, l.HasPrivateKey))
            .ToListAsync(ct);
        var sessions = await db.VpnSessions.AsNoTracking().Where(s => s.RrasServerId == id && s.EndedAt == null).OrderBy(s => s.UserName).Take(500).ToListAsync(ct);
        return new Detail(server, bindings, radius, certificates.OrderBy(c => c.Store).ThenBy(c => c.NotAfter).ToList(), sessions);
    }
}
