using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Servers;

/// <summary>
/// One server with what its agent reported: bindings, RADIUS settings, certificates by store; for an NPS server,
/// the RRAS servers whose reported RADIUS settings point at it.
/// </summary>
public sealed class GetServer(PortalDbContext db)
{
    /// <summary>A certificate in one of the server's stores; InUntrustedSet says whether the portal manages it as untrusted.</summary>
    public sealed record InstalledCertificate(Guid CertificateId, string Sha1Thumbprint, string Subject, DateTimeOffset NotAfter, CertificateStoreName Store, bool HasPrivateKey, bool InUntrustedSet);

    /// <summary>An RRAS server that reported this NPS server (by host name or DNS name) among its RADIUS servers.</summary>
    public sealed record RadiusClient(Guid RrasServerId, string RrasServerName, string Address, int Port, int TimeoutSeconds, DateTimeOffset LastSeenAt);

    public sealed record Detail(
        ManagedServer Server,
        IReadOnlyList<SstpBinding> Bindings,
        IReadOnlyList<RadiusServerSetting> RadiusServers,
        IReadOnlyList<InstalledCertificate> Certificates,
        IReadOnlyList<RadiusClient> RadiusClients);

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
            .Select(l => new InstalledCertificate(
                l.CertificateId, l.Certificate!.Sha1Thumbprint, l.Certificate.Subject, l.Certificate.NotAfter, l.Store, l.HasPrivateKey,
                db.UntrustedCertificates.Any(u => u.CertificateId == l.CertificateId)))
            .ToListAsync(ct);
        var clients = server is NpsServer ? await RadiusClientsAsync(server, ct) : [];
        return new Detail(server, bindings, radius, certificates.OrderBy(c => c.Store).ThenBy(c => c.NotAfter).ToList(), clients);
    }

    private async Task<List<RadiusClient>> RadiusClientsAsync(ManagedServer nps, CancellationToken ct)
    {
        // RRAS reports the address it was configured with: usually the DNS name, sometimes the bare host name.
        var names = new[] { nps.Name, nps.HostFqdn }.OfType<string>().Select(n => n.ToUpperInvariant()).Distinct().ToList();
        return await db.RadiusServerSettings.AsNoTracking()
            .Where(r => names.Contains(r.Address.ToUpper()))
            .Join(db.RrasServers, r => r.RrasServerId, s => s.Id, (r, s) => new { Setting = r, s.Name })
            .OrderBy(x => x.Name)
            .Select(x => new RadiusClient(x.Setting.RrasServerId, x.Name, x.Setting.Address, x.Setting.Port, x.Setting.TimeoutSeconds, x.Setting.LastSeenAt))
            .ToListAsync(ct);
    }
}
