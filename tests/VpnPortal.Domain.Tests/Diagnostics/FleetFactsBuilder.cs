using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Diagnostics;

namespace VpnPortal.Domain.Tests.Diagnostics;

/// <summary>
/// A healthy fleet for the IKEv2, NPS and fleet rules: two RRAS servers behind vpn.corp.example sharing one SSTP and IKEv2
/// certificate, fragmentation on, 60 s RADIUS timeouts, the untrusted device certificate in Disallowed, and one NPS server
/// whose certificate is in the EAP list, whose NTAuth store holds the issuing CA and whose MFA extension is healthy (its
/// self-signed certificate in Personal beside the server certificate, as on a real NPS server).
/// Tests change one thing with <c>with</c>.
/// </summary>
internal static class FleetFactsBuilder
{
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public const string PublicFqdn = "vpn.corp.example";
    public const string IssuingCa = "CN=Corp Issuing CA, DC=corp, DC=example";
    public const string VpnCertificateSha1 = "1111111111111111111111111111111111111111";
    public const string NpsCertificateSha1 = "2222222222222222222222222222222222222222";
    public const string MfaCertificateSha1 = "3333333333333333333333333333333333333333";
    public const string IssuingCaSha1 = "4444444444444444444444444444444444444444";
    public const string UntrustedDeviceSha1 = "5555555555555555555555555555555555555555";
    public const string TenantId = "6f0e3c2a-9d41-4b7e-a3c5-2f8d1e0b7a94";
    public const string MfaSubject = $"CN={TenantId}, OU=Microsoft NPS Extension";

    public static StoredCertificate Certificate(
        string sha1,
        string commonName,
        IReadOnlyCollection<string>? ekus = null,
        IReadOnlyCollection<string>? dnsNames = null,
        StoreKind store = StoreKind.My,
        bool hasPrivateKey = true,
        DateTimeOffset? notAfter = null,
        string issuer = IssuingCa) =>
        new(store, sha1, new string('A', 64), $"CN={commonName}", issuer, new CertificateFacts
        {
            EnhancedKeyUsages = ekus ?? [EnhancedKeyUsages.ServerAuthentication, EnhancedKeyUsages.IpSecurityIkeIntermediate],
            HasPrivateKey = hasPrivateKey,
            NotBefore = Now.AddDays(-100),
            NotAfter = notAfter ?? Now.AddDays(300),
            SubjectCommonName = commonName,
            DnsNames = dnsNames ?? [commonName],
            CrlDistributionPoints = ["http://pki.corp.example/corp.crl"],
        });

    public static StoredCertificate VpnCertificate() => Certificate(VpnCertificateSha1, PublicFqdn);

    /// <summary>
    /// The Azure MFA NPS extension's certificate as the configuration script makes it: self-signed, CN = the tenant id,
    /// OU = Microsoft NPS Extension, no EKU (so "all purposes"), a private key, and valid for two years, longer than the
    /// server certificates here: a decoy for anything that picks "the" server certificate by key usage and expiry.
    /// </summary>
    public static StoredCertificate MfaCertificate(string sha1 = MfaCertificateSha1, DateTimeOffset? notAfter = null) =>
        Certificate(sha1, TenantId, ekus: [], dnsNames: [], notAfter: notAfter ?? Now.AddDays(700), issuer: MfaSubject) with { Subject = MfaSubject };

    public static StoredCertificate UntrustedDevice() =>
        Certificate(UntrustedDeviceSha1, "laptop-17.corp.example", ekus: [EnhancedKeyUsages.ClientAuthentication], store: StoreKind.Disallowed, hasPrivateKey: false);

    public static ServerFacts Rras(string name) => new()
    {
        Name = name,
        IsRras = true,
        HostFqdn = $"{name}.corp.example",
        LastReportAt = Now.AddMinutes(-1),
        PublicFqdns = [PublicFqdn],
        Certificates = [VpnCertificate(), UntrustedDevice()],
        ConfiguredSstpSha1 = VpnCertificateSha1,
        Ikev2FragmentationEnabled = true,
        RadiusServers = [new RadiusFacts("10.0.0.20", 60)],
    };

    public static ServerFacts Nps(string name) => new()
    {
        Name = name,
        IsRras = false,
        HostFqdn = $"{name}.corp.example",
        LastReportAt = Now.AddMinutes(-1),
        Certificates =
        [
            Certificate(NpsCertificateSha1, $"{name}.corp.example", ekus: [EnhancedKeyUsages.ServerAuthentication]),
            MfaCertificate(),
            Certificate(IssuingCaSha1, "Corp Issuing CA", ekus: [], dnsNames: [], store: StoreKind.NTAuth, hasPrivateKey: false, issuer: "CN=Corp Root CA") with { Subject = IssuingCa, IsCertificateAuthority = true },
            Certificate(IssuingCaSha1, "Corp Issuing CA", ekus: [], dnsNames: [], store: StoreKind.CA, hasPrivateKey: false, issuer: "CN=Corp Root CA") with { Subject = IssuingCa, IsCertificateAuthority = true },
        ],
        MfaExtension = new MfaExtensionFacts(true, MfaCertificateSha1, true, true),
    };

    public static FleetFacts Fleet(params ServerFacts[] servers) => new()
    {
        Now = Now,
        Servers = servers.Length == 0 ? [Rras("vpn1"), Rras("vpn2"), Nps("nps1")] : servers,
        UntrustedSha1 = [UntrustedDeviceSha1],
        EapServerNames = ["nps1.corp.example", "nps2.corp.example"],
        PhoneCallMfa = true,
        ClientCertificateIssuers = [IssuingCa],
    };

    /// <summary>Findings of <paramref name="rules"/> for the server named <paramref name="name"/> in <paramref name="fleet"/>.</summary>
    public static IReadOnlyList<Finding> FindingsFor(FleetFacts fleet, string name, IReadOnlyList<DiagnosticRule> rules) =>
        DiagnosticRules.Evaluate(fleet, rules).Single(r => r.Server.Name == name).Findings;

    /// <summary>Replaces the server named <paramref name="name"/>.</summary>
    public static FleetFacts Replace(FleetFacts fleet, string name, Func<ServerFacts, ServerFacts> change) =>
        fleet with { Servers = fleet.Servers.Select(s => s.Name == name ? change(s) : s).ToList() };

    public static string EvidenceValue(Finding finding, string label) => finding.Evidence.Single(e => e.Label == label).Value;
}
