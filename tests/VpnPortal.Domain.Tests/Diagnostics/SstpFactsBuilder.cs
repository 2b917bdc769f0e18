using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Diagnostics;

namespace VpnPortal.Domain.Tests.Diagnostics;

/// <summary>A healthy SSTP server (one valid certificate, configured and bound on IPv4 and IPv6) that tests then break one way.</summary>
internal static class SstpFactsBuilder
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    public const string GoodSha1 = "1111111111111111111111111111111111111111";
    public const string OtherSha1 = "2222222222222222222222222222222222222222";
    public const string LbSha256 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    public const string PublicFqdn = "vpn.corp.example";

    public static StoredCertificate Certificate(string sha1, string dnsName = PublicFqdn, StoreKind store = StoreKind.My, int daysLeft = 300, bool privateKey = true, params string[] ekus) =>
        new(store, sha1, "SHA256-" + sha1, "CN=" + dnsName, "CN=Corp Issuing CA", new CertificateFacts
        {
            EnhancedKeyUsages = ekus.Length == 0 ? [EnhancedKeyUsages.ServerAuthentication] : ekus,
            HasPrivateKey = privateKey,
            NotBefore = Now.AddDays(-60),
            NotAfter = Now.AddDays(daysLeft),
            CrlDistributionPoints = ["http://pki.corp.example/crl/issuing.crl"],
            SubjectCommonName = dnsName,
            DnsNames = [dnsName],
        });

    public const string MfaSha1 = "3333333333333333333333333333333333333333";

    /// <summary>
    /// The Azure MFA NPS extension's self-signed certificate, as it sits in Personal where the extension is installed:
    /// CN = the tenant id, no EKU (all purposes), a private key, valid longer than the server certificate.
    /// </summary>
    public static StoredCertificate MfaExtensionCertificate(int daysLeft = 700) =>
        Certificate(MfaSha1, "6f0e3c2a-9d41-4b7e-a3c5-2f8d1e0b7a94", daysLeft: daysLeft) with
        {
            Subject = "CN=6f0e3c2a-9d41-4b7e-a3c5-2f8d1e0b7a94, OU=Microsoft NPS Extension",
            Issuer = "CN=6f0e3c2a-9d41-4b7e-a3c5-2f8d1e0b7a94, OU=Microsoft NPS Extension",
            Facts = Certificate(MfaSha1, "6f0e3c2a-9d41-4b7e-a3c5-2f8d1e0b7a94", daysLeft: daysLeft).Facts with { EnhancedKeyUsages = [], DnsNames = [], CrlDistributionPoints = [] },
        };

    public static BindingFacts Binding(string ipPort, string hash, Guid? appId = null) =>
        new(ipPort, hash, appId ?? FleetFacts.SstpApplicationId, "MY");

    public static ServerFacts Healthy(string name = "vpn1") => new()
    {
        Name = name,
        IsRras = true,
        LastReportAt = Now.AddMinutes(-5),
        PublicFqdns = [PublicFqdn],
        Certificates = [Certificate(GoodSha1)],
        ListenerPort = 443,
        UseHttps = true,
        ConfiguredSstpSha1 = GoodSha1,
        Bindings = [Binding("0.0.0.0:443", GoodSha1), Binding("[::]:443", GoodSha1)],
    };

    /// <summary>A healthy server behind a load balancer that ends TLS: RRAS on HTTP, knowing the balancer's certificate.</summary>
    public static ServerFacts Offloaded(string name = "vpn1") => Healthy(name) with
    {
        TlsOffload = true,
        UseHttps = false,
        Bindings = [],
        ConfiguredSstpSha1 = null,
        Sha256CertificateHash = LbSha256,
        LoadBalancerCertificateSha256 = LbSha256,
    };

    public static FleetFacts Fleet(params ServerFacts[] servers) => new() { Now = Now, Servers = servers };

    public static IReadOnlyList<Finding> Run(IReadOnlyList<DiagnosticRule> rules, ServerFacts server)
    {
        var fleet = Fleet(server);
        var findings = new List<Finding>();
        foreach (var rule in rules)
        {
            findings.AddRange(rule.Evaluate(server, fleet));
        }

        return findings;
    }

    public static IReadOnlyList<Finding> Run(DiagnosticRule rule, ServerFacts server) => Run([rule], server);

    /// <summary>The evidence with exactly this label, else the first whose label starts with it ("IPv4 binding" for "IPv4 binding (0.0.0.0:443)").</summary>
    public static string Value(this Finding finding, string label) =>
        (finding.Evidence.FirstOrDefault(e => e.Label == label) ?? finding.Evidence.First(e => e.Label.StartsWith(label, StringComparison.Ordinal))).Value;
}
