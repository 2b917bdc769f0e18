using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VpnPortal.Agent.Certificates;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Simulation;

/// <summary>
/// Real X.509 certificates for simulated servers, made once per process and public FQDN and shared: RSA key
/// generation takes tens of milliseconds, and a fleet of 500 servers must start in seconds. Reports are cached too.
/// </summary>
public sealed class SimulatedCertificates
{
    private static readonly ConcurrentDictionary<string, Lazy<SimulatedCertificates>> ByFqdn = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Sha1, CertificateStoreKind Store, bool Key), ReportedCertificate> _reports = new();

    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private const string IpSecIkeIntermediate = "1.3.6.1.5.5.8.2.2";

    private SimulatedCertificates(string publicFqdn, string domain)
    {
        var now = DateTimeOffset.UtcNow;
        var crl = $"http://pki.{domain}/crl/CorpIssuingCA01.crl";

        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest($"CN=Corp Issuing CA 01, O=Corp, DC={domain.Split('.')[0]}", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddYears(-3), now.AddYears(7));
        IssuingCa = X509CertificateLoader.LoadCertificate(ca.RawData);

        SstpCertificate = IssueServer(ca, publicFqdn, now.AddDays(-200), now.AddDays(165), crl, [ServerAuthentication, IpSecIkeIntermediate], 1);
        RenewedSstpCertificate = IssueServer(ca, publicFqdn, now.AddDays(-3), now.AddDays(362), crl, [ServerAuthentication, IpSecIkeIntermediate], 2);
        NpsServerCertificate = IssueServer(ca, $"nps.{domain}", now.AddDays(-100), now.AddDays(265), crl, [ServerAuthentication], 3);
        UntrustedDeviceCertificate = X509CertificateLoader.LoadCertificate(
            IssueServer(ca, SimulatedPeople.Device(4821, domain), now.AddDays(-400), now.AddDays(330), crl, [ClientAuthentication], 4).RawData);

        // The Azure MFA NPS extension's certificate is self-signed, named after the tenant, and lives in My.
        var mfaKey = RSA.Create(2048);
        var mfaRequest = new CertificateRequest("CN=6f0e3c2a-9d41-4b7e-a3c5-2f8d1e0b7a94, OU=Microsoft NPS Extension", mfaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        MfaExtensionCertificate = mfaRequest.CreateSelfSigned(now.AddDays(-30), now.AddYears(2).AddDays(-30));
    }

    /// <summary>The pool for a public FQDN (and user domain), made on first use.</summary>
    public static SimulatedCertificates For(string publicFqdn, string domain) =>
        ByFqdn.GetOrAdd(publicFqdn + "|" + domain, _ => new Lazy<SimulatedCertificates>(() => new SimulatedCertificates(publicFqdn, domain))).Value;

    /// <summary>The organisation's issuing CA (public part only), as in NTAuth.</summary>
    public X509Certificate2 IssuingCa { get; }

    /// <summary>The SSTP/IKEv2 server certificate RRAS uses at start, with its key.</summary>
    public X509Certificate2 SstpCertificate { get; }

    /// <summary>A renewed certificate for the same name, with its key, already in My (autoenrolled, not yet in use).</summary>
    public X509Certificate2 RenewedSstpCertificate { get; }

    public X509Certificate2 NpsServerCertificate { get; }

    public X509Certificate2 MfaExtensionCertificate { get; }

    /// <summary>A lost laptop's device certificate (public part), untrusted through the Disallowed store.</summary>
    public X509Certificate2 UntrustedDeviceCertificate { get; }

    public static string Sha1(X509Certificate2 certificate) => Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA1));

    public static string Sha256(X509Certificate2 certificate) => Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));

    internal ReportedCertificate Report(X509Certificate2 certificate, CertificateStoreKind store) =>
        _reports.GetOrAdd((Sha1(certificate), store, certificate.HasPrivateKey), _ => CertificateReport.From(certificate, store));

    private static X509Certificate2 IssueServer(X509Certificate2 ca, string dnsName, DateTimeOffset notBefore, DateTimeOffset notAfter, string crl, string[] ekus, byte serial)
    {
        // Not disposed: the returned certificate keeps using this key on some platforms.
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        var usages = new OidCollection();
        foreach (var eku in ekus)
        {
            usages.Add(new Oid(eku));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([crl]));
        var serialNumber = new byte[16];
        RandomNumberGenerator.Fill(serialNumber);
        serialNumber[0] = (byte)(serial & 0x7F);
        using var issued = request.Create(ca, notBefore, notAfter, serialNumber);
        return issued.CopyWithPrivateKey(key);
    }
}
