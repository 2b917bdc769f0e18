using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Tests.Alerts;

/// <summary>Servers and certificates written straight into the database, as reports would leave them.</summary>
public static class AlertsSeed
{
    public static async Task<RrasServer> RrasAsync(PortalDbContext db, string name)
    {
        var server = new RrasServer { Id = Guid.NewGuid(), Name = name, PublicFqdns = ["vpn.corp.example"] };
        db.RrasServers.Add(server);
        await db.SaveChangesAsync();
        return server;
    }

    public static async Task<NpsServer> NpsAsync(PortalDbContext db, string name)
    {
        var server = new NpsServer { Id = Guid.NewGuid(), Name = name };
        db.NpsServers.Add(server);
        await db.SaveChangesAsync();
        return server;
    }

    public static string Thumbprint() => Convert.ToHexString(RandomNumberGenerator.GetBytes(20));

    /// <summary>A certificate for <paramref name="cn"/> installed in <paramref name="store"/> of each server.</summary>
    public static async Task<Certificate> CertificateAsync(
        PortalDbContext db, string cn, DateTimeOffset notAfter, CertificateStoreName store, DateTimeOffset now, params ManagedServer[] servers)
    {
        var certificate = new Certificate
        {
            Id = Guid.NewGuid(),
            Sha1Thumbprint = Thumbprint(),
            Sha256Thumbprint = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            Subject = $"CN={cn}",
            SubjectAlternativeNames = [$"DNS:{cn}"],
            Issuer = "CN=Corp Issuing CA",
            SerialNumber = "01",
            NotBefore = notAfter.AddYears(-1),
            NotAfter = notAfter,
            EnhancedKeyUsages = ["1.3.6.1.5.5.7.3.1"],
            KeyAlgorithm = "RSA",
            KeySize = 2048,
            Source = CertificateSource.Reported,
            FirstSeenAt = now,
        };
        certificate.Locations = servers.Select(s => new CertificateLocation
        {
            Id = Guid.NewGuid(),
            CertificateId = certificate.Id,
            ServerId = s.Id,
            Store = store,
            HasPrivateKey = store == CertificateStoreName.My,
            FirstSeenAt = now,
            LastSeenAt = now,
        }).ToList();
        db.Certificates.Add(certificate);
        await db.SaveChangesAsync();
        return certificate;
    }

    /// <summary>RRAS is set to use this certificate for SSTP on these servers.</summary>
    public static async Task UseForSstpAsync(PortalDbContext db, Certificate certificate, params RrasServer[] servers)
    {
        var ids = servers.Select(s => s.Id).ToList();
        foreach (var server in await db.RrasServers.Where(s => ids.Contains(s.Id)).ToListAsync())
        {
            server.Sstp.ConfiguredCertificateSha1 = certificate.Sha1Thumbprint;
        }

        await db.SaveChangesAsync();
    }

    /// <summary>The certificate is no longer in this server's store (a report no longer lists it).</summary>
    public static async Task RemoveAsync(PortalDbContext db, Certificate certificate, ManagedServer server) =>
        await db.CertificateLocations.Where(l => l.CertificateId == certificate.Id && l.ServerId == server.Id).ExecuteDeleteAsync();
}
