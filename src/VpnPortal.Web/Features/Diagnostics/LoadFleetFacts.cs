using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Diagnostics;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// Reads what the rules look at, for the whole fleet, in a few queries: servers, bindings, RADIUS settings, certificates
/// where installed, and the fleet's diagnostics settings (configuration's values until an admin saved them).
/// </summary>
public static class LoadFleetFacts
{
    public static async Task<FleetFacts> RunAsync(PortalDbContext db, DateTimeOffset now, DiagnosticsOptions defaults, CancellationToken ct)
    {
        var settings = await DiagnosticsSettingsStore.LoadAsync(db, defaults, ct);
        var rras = await db.RrasServers.AsNoTracking().ToListAsync(ct);
        var nps = await db.NpsServers.AsNoTracking().ToListAsync(ct);
        var bindings = (await db.SstpBindings.AsNoTracking().ToListAsync(ct)).ToLookup(b => b.RrasServerId);
        var radius = (await db.RadiusServerSettings.AsNoTracking().ToListAsync(ct)).ToLookup(r => r.RrasServerId);
        var certificates = (await db.CertificateLocations.AsNoTracking()
                .Select(l => new { l.ServerId, l.Store, l.HasPrivateKey, l.Certificate })
                .ToListAsync(ct))
            .ToLookup(l => l.ServerId, l => Stored(l.Store, l.HasPrivateKey, l.Certificate!));
        var untrusted = await db.UntrustedCertificates.AsNoTracking()
            .Where(u => u.RemovalRequestedAt == null)
            .Select(u => u.Certificate!.Sha1Thumbprint)
            .ToListAsync(ct);

        var servers = new List<ServerFacts>(rras.Count + nps.Count);
        servers.AddRange(rras.Select(s => new ServerFacts
        {
            Id = s.Id,
            Name = s.Name,
            IsRras = true,
            HostFqdn = s.HostFqdn,
            Site = s.Site,
            LastReportAt = s.LastReportAt,
            Certificates = [.. certificates[s.Id]],
            PublicFqdns = s.PublicFqdns,
            SstpEnabled = s.Protocols.HasFlag(VpnProtocols.Sstp),
            Ikev2Enabled = s.Protocols.HasFlag(VpnProtocols.Ikev2),
            ExpectedListenerPort = s.SstpListenerPort,
            TlsOffload = s.TlsOffload,
            LoadBalancerCertificateSha256 = s.LoadBalancerCertificateSha256 ?? settings.LoadBalancerSha256For(s.Site),
            ListenerPort = s.Sstp.ListenerPort,
            UseHttps = s.Sstp.UseHttps,
            Sha256CertificateHash = s.Sstp.Sha256CertificateHash,
            ConfiguredSstpSha1 = s.Sstp.ConfiguredCertificateSha1,
            Bindings = [.. bindings[s.Id].Select(b => new BindingFacts(b.IpPort, b.CertificateHash, b.ApplicationId, b.StoreName))],
            Ikev2FragmentationEnabled = s.Ikev2FragmentationEnabled,
            RadiusServers = [.. radius[s.Id].Select(r => new RadiusFacts(r.Address, r.TimeoutSeconds))],
        }));
        servers.AddRange(nps.Select(s => new ServerFacts
        {
            Id = s.Id,
            Name = s.Name,
            IsRras = false,
            HostFqdn = s.HostFqdn,
            Site = s.Site,
            LastReportAt = s.LastReportAt,
            Certificates = [.. certificates[s.Id]],
            MfaExtension = s.MfaExtension == MfaExtensionState.Unknown
                ? null
                : new MfaExtensionFacts(s.MfaExtension == MfaExtensionState.Installed, s.MfaExtensionCertificateSha1, s.MfaClientServicePrincipalEnabled, s.MfaConnectorServicePrincipalEnabled),
        }));
        return new FleetFacts
        {
            Now = now,
            Servers = servers,
            UntrustedSha1 = untrusted,
            EapServerNames = settings.EapServerNames,
            PhoneCallMfa = settings.PhoneCallMfa,
            ClientCertificateIssuers = settings.ClientCertificateIssuers,
        };
    }

    private static StoredCertificate Stored(CertificateStoreName store, bool hasPrivateKey, Certificate c) =>
        new((StoreKind)(int)store, c.Sha1Thumbprint, c.Sha256Thumbprint, c.Subject, c.Issuer, new CertificateFacts
        {
            EnhancedKeyUsages = c.EnhancedKeyUsages,
            HasPrivateKey = hasPrivateKey,
            NotBefore = c.NotBefore,
            NotAfter = c.NotAfter,
            CrlDistributionPoints = c.CrlDistributionPoints,
            SubjectCommonName = DistinguishedNames.CommonName(c.Subject),
            DnsNames = CertificateHostNames.DnsNames(c.SubjectAlternativeNames),
            KeyAlgorithm = c.KeyAlgorithm,
            KeySize = c.KeySize,

            // Read again from the stored DER: a part stored empty because it could not be read must not pass for "none"
            // (an unreadable EKU for "all purposes").
            ReadProblems = CertificateReader.ReadProblems(c.RawData),
        })
        {
            IsCertificateAuthority = c.IsCertificateAuthority,
        };
}
