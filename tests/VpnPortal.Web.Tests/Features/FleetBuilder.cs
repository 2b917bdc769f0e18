using System.Security.Cryptography;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Tests.Features;

/// <summary>Adds fleet data to a context the way agents report it, with little ceremony.</summary>
internal sealed class FleetBuilder(PortalDbContext db, DateTimeOffset now)
{
    // Server -> current agent and agent -> server make a cycle EF cannot insert in one save: linked after the first.
    private readonly List<(ManagedServer Server, Data.Entities.Agent Agent)> _links = [];

    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    public RrasServer Rras(string name, DateTimeOffset? lastReport = null, bool agent = false)
    {
        var s = new RrasServer { Id = Guid.NewGuid(), Name = name, PublicFqdns = ["vpn.corp.example"], LastReportAt = lastReport };
        db.RrasServers.Add(s);
        if (agent)
        {
            AgentFor(s);
        }

        return s;
    }

    /// <summary>An enrolled agent that becomes the server's current one at <see cref="SaveAsync"/>.</summary>
    public Data.Entities.Agent AgentFor(ManagedServer s, DateTimeOffset? lastSeen = null, string? version = "1.0.0", DateTimeOffset? revokedAt = null)
    {
        var a = new Data.Entities.Agent
        {
            Id = Guid.NewGuid(),
            ServerId = s.Id,
            Role = s.Role,
            MachineName = s.Name,
            CredentialHash = RandomNumberGenerator.GetBytes(32),
            EnrolledAt = now.AddDays(-1),
            LastSeenAt = lastSeen,
            AgentVersion = version,
            RevokedAt = revokedAt,
            RevokedReason = revokedAt is null ? null : "Revoked by an admin",
        };
        db.Agents.Add(a);
        _links.Add((s, a));
        return a;
    }

    /// <summary>Saves everything built, then links servers to their agents.</summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        if (_links.Count > 0)
        {
            foreach (var (server, agent) in _links)
            {
                server.AgentId = agent.Id;
            }

            _links.Clear();
            await db.SaveChangesAsync(ct);
        }
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

    public VpnSession Session(RrasServer s, string user, bool ended = false, DateTimeOffset? started = null, string[]? names = null, bool device = false)
    {
        var v = new VpnSession
        {
            Id = Guid.NewGuid(),
            RrasServerId = s.Id,
            SessionKey = Guid.NewGuid().ToString("N"),
            UserName = user,
            UserNames = [.. names ?? [user]],
            IsDeviceTunnel = device,
            TunnelType = device ? TunnelType.Ikev2 : TunnelType.Sstp,
            ConnectionStartTime = started ?? now.AddHours(-1),
            FirstSeenAt = started ?? now.AddHours(-1),
            LastSeenAt = now,
            EndedAt = ended ? now.AddMinutes(-5) : null,
        };
        db.VpnSessions.Add(v);
        return v;
    }
}
