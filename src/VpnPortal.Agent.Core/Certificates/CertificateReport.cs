using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VpnPortal.Contracts.Agents;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Agent.Certificates;

/// <summary>Turns an X.509 certificate into the fields a snapshot carries.</summary>
public static class CertificateReport
{
    public static ReportedCertificate From(X509Certificate2 certificate, CertificateStoreKind store) => new()
    {
        Store = store,
        Sha1Thumbprint = Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA1)),
        Sha256Thumbprint = Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)),
        Subject = certificate.Subject,
        SubjectAlternativeNames = SubjectAlternativeNames(certificate),
        Issuer = certificate.Issuer,
        SerialNumber = certificate.SerialNumber,
        NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
        EnhancedKeyUsages = EnhancedKeyUsages(certificate),
        CrlDistributionPoints = CrlDistributionPoints(certificate),
        KeyAlgorithm = KeyAlgorithm(certificate),
        KeySize = KeySize(certificate),
        IsCertificateAuthority = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority),
        HasPrivateKey = certificate.HasPrivateKey,
        RawData = Convert.ToBase64String(certificate.RawData),
    };

    /// <summary>The facts the domain's certificate checks need (<see cref="CertificateFitness"/>, <see cref="SstpRotationCheck"/>), read from the certificate.</summary>
    public static CertificateFacts Facts(X509Certificate2 certificate) => Facts(From(certificate, CertificateStoreKind.My));

    /// <summary>The facts the domain's certificate checks need, from a certificate as a snapshot or an inspection reports it.</summary>
    public static CertificateFacts Facts(ReportedCertificate report) => new()
    {
        EnhancedKeyUsages = report.EnhancedKeyUsages,
        HasPrivateKey = report.HasPrivateKey,
        NotBefore = report.NotBefore,
        NotAfter = report.NotAfter,
        CrlDistributionPoints = report.CrlDistributionPoints,
        SubjectCommonName = DistinguishedNames.CommonName(report.Subject),
        DnsNames = DnsNames(report.SubjectAlternativeNames),
        KeyAlgorithm = report.KeyAlgorithm,
        KeySize = report.KeySize,
    };

    /// <summary>The DNS names among subject alternative names written as <see cref="SubjectAlternativeNames"/> writes them.</summary>
    public static IReadOnlyList<string> DnsNames(IEnumerable<string> subjectAlternativeNames) => CertificateHostNames.DnsNames(subjectAlternativeNames);

    /// <summary>DNS names as "DNS:name", IP addresses as "IP:address", e-mail as "EMAIL:..", UPNs as "UPN:..".</summary>
    public static IReadOnlyList<string> SubjectAlternativeNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (extension is null)
        {
            return [];
        }

        var names = new List<string>();
        names.AddRange(extension.EnumerateDnsNames().Select(n => CertificateHostNames.DnsPrefix + n));
        names.AddRange(extension.EnumerateIPAddresses().Select(a => "IP:" + a));
        return names;
    }

    public static IReadOnlyList<string> EnhancedKeyUsages(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>())
            .Select(o => o.Value ?? "")
            .Where(v => v.Length > 0)
            .ToList();

    /// <summary>The URIs of the CRL distribution points extension (2.5.29.31), in order.</summary>
    public static IReadOnlyList<string> CrlDistributionPoints(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions["2.5.29.31"];
        if (extension is null)
        {
            return [];
        }

        try
        {
            return ReadUris(extension.RawData);
        }
        catch (AsnContentException)
        {
            // A malformed extension is reported as "no CRL distribution point", which is what a client sees too.
            return [];
        }
    }

    private static List<string> ReadUris(byte[] der)
    {
        // CRLDistributionPoints ::= SEQUENCE OF DistributionPoint; the URIs are GeneralName [6] IA5String
        // inside distributionPoint [0] fullName [0]. Walk the structure and collect every [6].
        var uris = new List<string>();
        Collect(new AsnReader(der, AsnEncodingRules.DER), uris);
        return uris;
    }

    private static void Collect(AsnReader reader, List<string> uris)
    {
        while (reader.HasData)
        {
            var tag = reader.PeekTag();
            if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 6 && !tag.IsConstructed)
            {
                uris.Add(reader.ReadCharacterString(UniversalTagNumber.IA5String, tag));
            }
            else if (tag.IsConstructed)
            {
                Collect(reader.ReadSequence(tag), uris);
            }
            else
            {
                reader.ReadEncodedValue();
            }
        }
    }

    private static string KeyAlgorithm(X509Certificate2 certificate) => certificate.PublicKey.Oid.Value switch
    {
        "1.2.840.113549.1.1.1" => "RSA",
        "1.2.840.10045.2.1" => "ECDSA",
        "1.2.840.10040.4.1" => "DSA",
        var other => certificate.PublicKey.Oid.FriendlyName ?? other ?? "unknown",
    };

    private static int KeySize(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.KeySize;
        }

        using var ecdsa = certificate.GetECDsaPublicKey();
        return ecdsa?.KeySize ?? 0;
    }
}
