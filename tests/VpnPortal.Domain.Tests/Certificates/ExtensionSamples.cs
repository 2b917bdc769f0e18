using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Domain.Tests.Certificates;

/// <summary>One extension a certificate reader decodes: its OID, the part it is reported as, and a well-formed value.</summary>
internal sealed record ExtensionSample(string Oid, string Part, bool Critical, byte[] Value)
{
    public override string ToString() => Part;
}

/// <summary>
/// A certificate with every extension the reader decodes, well formed, and the same certificate with one of them
/// replaced by other bytes. Built with <see cref="CertificateRequest"/> from raw extension values, so any bytes can go in.
/// </summary>
internal static class ExtensionSamples
{
    public const string Subject = "CN=vpn.corp.example, O=Corp";
    public static readonly DateTimeOffset NotBefore = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset NotAfter = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly byte[] SerialNumber = [0x01, 0x5E, 0xED, 0x42];

    public static IReadOnlyList<ExtensionSample> All { get; } = Create();

    public static ExtensionSample Of(string part) => All.Single(s => s.Part == part);

    /// <summary>The certificate with every sample well formed, except <paramref name="oid"/> which carries <paramref name="value"/>.</summary>
    public static X509Certificate2 Certificate(ECDsa key, string? oid = null, byte[]? value = null)
    {
        var request = new CertificateRequest(Subject, key, HashAlgorithmName.SHA256);
        foreach (var sample in All)
        {
            request.CertificateExtensions.Add(new X509Extension(sample.Oid, sample.Oid == oid ? value! : sample.Value, sample.Critical));
        }

        return request.Create(new X500DistinguishedName(Subject), X509SignatureGenerator.CreateForECDsa(key), NotBefore, NotAfter, SerialNumber);
    }

    private static List<ExtensionSample> Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("vpn.corp.example");
        names.AddDnsName("vpn-west.corp.example");
        names.AddIpAddress(IPAddress.Parse("192.0.2.10"));
        names.AddIpAddress(IPAddress.Parse("2001:db8::10"));
        names.AddEmailAddress("pki@corp.example");
        names.AddUri(new Uri("https://vpn.corp.example/"));
        names.AddUserPrincipalName("vpn$@corp.example");
        var ski = new X509SubjectKeyIdentifierExtension(new PublicKey(key), false);

        return
        [
            Sample(names.Build(), CertificateReader.Parts.SubjectAlternativeNames),
            Sample(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.8.2.2")], false), CertificateReader.Parts.EnhancedKeyUsages),
            Sample(
                CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://pki.corp.example/crl/issuing.crl", "ldap:///CN=Corp%20Issuing%20CA,CN=pki,CN=CDP"]),
                CertificateReader.Parts.CrlDistributionPoints),
            Sample(new X509BasicConstraintsExtension(true, true, 1, true), CertificateReader.Parts.BasicConstraints),
            Sample(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true), CertificateReader.Parts.KeyUsage),
            Sample(
                new X509AuthorityInformationAccessExtension(["http://ocsp.corp.example/"], ["http://pki.corp.example/ca/issuing.crt"]),
                CertificateReader.Parts.AuthorityInformationAccess),
            Sample(ski, CertificateReader.Parts.SubjectKeyIdentifier),
            Sample(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(ski), CertificateReader.Parts.AuthorityKeyIdentifier),
        ];
    }

    private static ExtensionSample Sample(X509Extension extension, string part) => new(extension.Oid!.Value!, part, extension.Critical, extension.RawData);
}
