using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Web.Features.Certificates;

/// <summary>
/// One certificate with everything known about it: where it is installed, what the fleet uses it for
/// (SSTP binding, TLS offload hash, MFA extension) and whether it is in the untrusted set.
/// </summary>
public sealed class GetCertificate(PortalDbContext db)
{
    public sealed record Location(Guid ServerId, string ServerName, ServerRole Role, CertificateStoreName Store, bool HasPrivateKey, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt);

    /// <summary>A server that uses this certificate, and for what.</summary>
    public sealed record Use(Guid ServerId, string ServerName, ServerRole Role, string Purpose);

    public sealed record Untrust(string? Reason, DateTimeOffset AddedAt, string? AddedBy);

    public sealed record ServerRef(Guid Id, string Name);

    /// <summary>The certificate, where and for what it is used, its untrust state; and the parts of it that cannot be read (shown empty), from its stored DER.</summary>
    public sealed record Detail(
        Certificate Certificate,
        IReadOnlyList<Location> Locations,
        IReadOnlyList<Use> Uses,
        Untrust? Untrusted,
        IReadOnlyList<ServerRef> RrasServersWithoutIt,
        IReadOnlyList<string> ReadProblems)
    {
        /// <summary>Where it is in the Untrusted Certificates (Disallowed) store: untrusted there, whoever put it there.</summary>
        public IReadOnlyList<Location> UntrustedOn => Locations.Where(l => l.Store == CertificateStoreName.Disallowed).ToList();

        /// <summary>Untrusted somewhere: in the set, or in a server's Untrusted Certificates store.</summary>
        public bool IsUntrusted => Untrusted is not null || UntrustedOn.Count > 0;
    }

    public async Task<Detail?> RunAsync(Guid id, CancellationToken ct = default)
    {
        var cert = await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (cert is null)
        {
            return null;
        }

        var locations = await db.CertificateLocations.AsNoTracking().Where(l => l.CertificateId == id)
            .OrderBy(l => l.Server!.Name).ThenBy(l => l.Store)
            .Select(l => new Location(l.ServerId, l.Server!.Name, l.Server.Role, l.Store, l.HasPrivateKey, l.FirstSeenAt, l.LastSeenAt))
            .ToListAsync(ct);

        var untrusted = await db.UntrustedCertificates.AsNoTracking().Where(u => u.CertificateId == id)
            .Select(u => new Untrust(u.Reason, u.AddedAt, db.Users.Where(p => p.Id == u.AddedByUserId).Select(p => p.DisplayName).FirstOrDefault()))
            .FirstOrDefaultAsync(ct);

        // An untrusted certificate must be in the Disallowed store of every RRAS server: list where it is still missing.
        var missing = untrusted is null
            ? []
            : await db.RrasServers.AsNoTracking()
                .Where(s => !db.CertificateLocations.Any(l => l.CertificateId == id && l.ServerId == s.Id && l.Store == CertificateStoreName.Disallowed))
                .OrderBy(s => s.Name)
                .Select(s => new ServerRef(s.Id, s.Name))
                .ToListAsync(ct);

        return new Detail(cert, locations, await UsesAsync(cert, ct), untrusted, missing, CertificateReader.ReadProblems(cert.RawData));
    }

    private async Task<List<Use>> UsesAsync(Certificate cert, CancellationToken ct)
    {
        var sha1 = cert.Sha1Thumbprint;
        var sha256 = cert.Sha256Thumbprint;
        var bindings = await db.SstpBindings.AsNoTracking().Where(b => b.CertificateHash == sha1)
            .Join(db.RrasServers, b => b.RrasServerId, s => s.Id, (b, s) => new { s.Id, s.Name, b.IpPort })
            .ToListAsync(ct);
        var rras = await db.RrasServers.AsNoTracking()
            .Where(s => s.Sstp.ConfiguredCertificateSha1 == sha1 || s.Sstp.Sha256CertificateHash == sha256 || s.LoadBalancerCertificateSha256 == sha256)
            .Select(s => new { s.Id, s.Name, Configured = s.Sstp.ConfiguredCertificateSha1 == sha1, Reported = s.Sstp.Sha256CertificateHash == sha256, Entered = s.LoadBalancerCertificateSha256 == sha256 })
            .ToListAsync(ct);
        var nps = await db.NpsServers.AsNoTracking().Where(s => s.MfaExtensionCertificateSha1 == sha1).Select(s => new { s.Id, s.Name }).ToListAsync(ct);

        var uses = new List<Use>();
        uses.AddRange(bindings.GroupBy(b => (b.Id, b.Name)).Select(g =>
            new Use(g.Key.Id, g.Key.Name, ServerRole.Rras, $"Bound to the SSTP listener ({string.Join(", ", g.Select(b => b.IpPort).Order(StringComparer.Ordinal))})")));
        foreach (var s in rras)
        {
            if (s.Configured)
            {
                uses.Add(new Use(s.Id, s.Name, ServerRole.Rras, "Configured as the SSTP certificate in RRAS"));
            }

            if (s.Reported)
            {
                uses.Add(new Use(s.Id, s.Name, ServerRole.Rras, "Its SHA-256 is in SHA256CertificateHash (TLS offload)"));
            }

            if (s.Entered)
            {
                uses.Add(new Use(s.Id, s.Name, ServerRole.Rras, "Entered as the load balancer's certificate (TLS offload)"));
            }
        }

        uses.AddRange(nps.Select(s => new Use(s.Id, s.Name, ServerRole.Nps, "MFA NPS extension certificate")));
        return uses.OrderBy(u => u.ServerName, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
