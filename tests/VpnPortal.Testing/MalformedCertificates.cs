using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VpnPortal.Testing;

/// <summary>
/// Certificates that load but carry a malformed extension, as a broken CA template or a hand-made test certificate does:
/// the kind a review found crashing the agent's store report. Everything else in them is well formed.
/// </summary>
public static class MalformedCertificates
{
    /// <summary>A Subject Alternative Name whose one name is a DNS name tagged as constructed ([2] must be a primitive IA5String).</summary>
    public static readonly byte[] WronglyTaggedSubjectAlternativeName = [0x30, 0x05, 0xA2, 0x03, 0x61, 0x62, 0x63];

    /// <summary>Enhanced key usages holding an INTEGER where an OID belongs.</summary>
    public static readonly byte[] BrokenEnhancedKeyUsage = [0x30, 0x03, 0x02, 0x01, 0x05];

    /// <summary>Basic constraints whose BOOLEAN has no value.</summary>
    public static readonly byte[] BrokenBasicConstraints = [0x30, 0x03, 0x01, 0x01];

    /// <summary>
    /// A certificate for <paramref name="subject"/> (with its RSA key when <paramref name="withKey"/>) whose Subject Alternative
    /// Name is <see cref="WronglyTaggedSubjectAlternativeName"/>, with well-formed Server Authentication and CRL extensions.
    /// </summary>
    public static X509Certificate2 WithBrokenSubjectAlternativeName(string subject = "CN=LAPTOP-0666.corp.example", bool withKey = false) =>
        Create(subject, withKey, new X509Extension("2.5.29.17", WronglyTaggedSubjectAlternativeName, false));

    /// <summary>A certificate whose Subject Alternative Name is well formed and whose EKU and basic constraints are not.</summary>
    public static X509Certificate2 WithBrokenUsages(string subject = "CN=vpn.corp.example", bool withKey = true)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(subject.Replace("CN=", "", StringComparison.Ordinal));
        return Create(
            subject,
            withKey,
            names.Build(),
            new X509Extension("2.5.29.37", BrokenEnhancedKeyUsage, false),
            new X509Extension("2.5.29.19", BrokenBasicConstraints, true));
    }

    private static X509Certificate2 Create(string subject, bool withKey, params X509Extension[] extensions)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        foreach (var extension in extensions)
        {
            request.CertificateExtensions.Add(extension);
        }

        if (!extensions.Any(e => e.Oid?.Value == "2.5.29.37"))
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        }

        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://pki.corp.example/crl/issuing.crl"]));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365));
        if (withKey)
        {
            return certificate;
        }

        using (certificate)
        {
            return X509CertificateLoader.LoadCertificate(certificate.RawData);
        }
    }
}
