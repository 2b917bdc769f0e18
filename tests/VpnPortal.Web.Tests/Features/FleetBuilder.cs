using System.Security.Cryptography;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Tests.Features;

/// <summary>Adds fleet data to a context the way agents report it, with little ceremony.</summary>
internal sealed class FleetBuilder(PortalDbContext db, DateTimeOffset now)
{
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    public RrasServer Rras(string name, DateTimeOffset? lastReport = null, bool agent = false)
    {
        var s = new RrasServer { Id = Guid.NewGuid(), Name = name, PublicFqdns = ["vpn.corp.example"], LastReportAt = lastReport };
        db.RrasServers.Add(s);
        if (agent)
        {
            // The server and its agent point at each other: the server row goes first, as enrollment does it.
            db.SaveChanges();
            var enrolled = new Data.Entities.Agent { Id = Guid.NewGuid(), ServerId = s.Id, Role = ServerRole.Rras, MachineName = name, CredentialHash = RandomNumberGenerator.GetBytes(32), EnrolledAt = now.AddDays(-1) };
            db.Agents.Add(enrolled);
            s.AgentId = enrolled.Id;
        }

        return s;
    }

    public NpsServer Nps(string name, DateTimeOffset? lastReport = null)
    {
        var s = new NpsServer { Id = Guid.NewGuid(), Name = name, LastReportAt = lastReport };
        db.NpsServers.Add(s);
        return s;
    }

    public Certificate Cert(
        string subject,
        double expiresInDays,
        string issuer = "CN=Corp Issuing CA 01, DC=corp, DC=example",
        string[]? sans = null,
        string[]? ekus = null,
        string? sha1 = null)
    {
        var c = new Certificate
        {
            Id = Guid.NewGuid(),
            Subject = subject,
            Issuer = issuer,
            SubjectAlternativeNames = [.. sans ?? []],
            EnhancedKeyUsages = [.. ekus ?? [ServerAuth]],
            Sha1Thumbprint = sha1 ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(20)),
            Sha256Thumbprint = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            SerialNumber = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
            NotBefore = now.AddDays(-365),
            NotAfter = now.AddDays(expiresInDays),
            KeyAlgorithm = "RSA",
            KeySize = 2048,
            Source = CertificateSource.Reported,
            FirstSeenAt = now.AddDays(-30),
        };
        db.Certificates.Add(c);
        return c;
    }

    public CertificateLocation InStore(Certificate c, ManagedServer s, CertificateStoreName store, bool privateKey = false)
    {
        var l = new CertificateLocation { Id = Guid.NewGuid(), Certificate = c, CertificateId = c.Id, Server = s, ServerId = s.Id, Store = store, HasPrivateKey = privateKey, FirstSeenAt = now.AddDays(-10), LastSeenAt = now };
        db.CertificateLocations.Add(l);
        return l;
    }

    public UntrustedCertificate Untrust(Certificate c, Guid addedBy, string reason = "Laptop stolen")
    {
        var u = new UntrustedCertificate { Id = Guid.NewGuid(), Certificate = c, CertificateId = c.Id, Reason = reason, AddedByUserId = addedBy, AddedAt = now.AddDays(-1) };
        db.UntrustedCertificates.Add(u);
        return u;
    }

    public VpnSession Session(RrasServer s, string user, bool ended = false)
    {
        var v = new VpnSession { Id = Guid.NewGuid(), RrasServerId = s.Id, UserName = user, ConnectionStartTime = now.AddHours(-1), LastSeenAt = now, EndedAt = ended ? now.AddMinutes(-5) : null };
        db.VpnSessions.Add(v);
        return v;
    }
}
