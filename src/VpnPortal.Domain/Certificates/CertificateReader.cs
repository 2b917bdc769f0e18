using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VpnPortal.Domain.Certificates;

/// <summary>
/// What a certificate says about itself, as far as it can be read. A part that cannot be read is left empty (or at a safe
/// default) and named in <see cref="ReadProblems"/>; every other part is read as usual.
/// </summary>
public sealed record CertificateDetails
{
    /// <summary>Upper-case hex of the SHA-1 of the DER: always readable.</summary>
    public required string Sha1Thumbprint { get; init; }

    /// <summary>Upper-case hex of the SHA-256 of the DER: always readable.</summary>
    public required string Sha256Thumbprint { get; init; }

    public required string Subject { get; init; }

    /// <summary>DNS names as "DNS:name", IP addresses as "IP:address".</summary>
    public required IReadOnlyList<string> SubjectAlternativeNames { get; init; }

    public required string Issuer { get; init; }
    public required string SerialNumber { get; init; }
    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>EKU OIDs; empty when the certificate has no EKU extension (all purposes) or when it cannot be read (see <see cref="ReadProblems"/>).</summary>
    public required IReadOnlyList<string> EnhancedKeyUsages { get; init; }

    /// <summary>The URIs of the CRL distribution points extension, in order.</summary>
    public required IReadOnlyList<string> CrlDistributionPoints { get; init; }

    /// <summary>"RSA", "ECDSA", "DSA", or the algorithm's name or OID.</summary>
    public required string KeyAlgorithm { get; init; }

    /// <summary>The public key's size in bits; 0 when unknown.</summary>
    public required int KeySize { get; init; }

    public required bool IsCertificateAuthority { get; init; }
    public required bool HasPrivateKey { get; init; }

    /// <summary>One line per part that could not be read ("subject alternative names unreadable: ..."); empty when all could.</summary>
    public required IReadOnlyList<string> ReadProblems { get; init; }
}

/// <summary>
/// Reads a certificate into <see cref="CertificateDetails"/>, part by part, for the agent's store reports and every
/// certificate the portal reads (uploads, rollouts, snapshots). The bytes come from whoever put a certificate in a store
/// or a file: a malformed part is reported as unreadable and the reading goes on, so one broken extension never costs the
/// rest of the certificate, nor the other certificates read with it.
/// </summary>
public static class CertificateReader
{
    /// <summary>The names the parts go by in <see cref="CertificateDetails.ReadProblems"/>.</summary>
    public static class Parts
    {
        public const string Subject = "subject";
        public const string Issuer = "issuer";
        public const string SerialNumber = "serial number";
        public const string Validity = "validity";
        public const string Extensions = "extensions";
        public const string SubjectAlternativeNames = "subject alternative names";
        public const string EnhancedKeyUsages = "enhanced key usages";
        public const string CrlDistributionPoints = "CRL distribution points";
        public const string BasicConstraints = "basic constraints";
        public const string KeyUsage = "key usage";
        public const string AuthorityInformationAccess = "authority information access";
        public const string SubjectKeyIdentifier = "subject key identifier";
        public const string AuthorityKeyIdentifier = "authority key identifier";
        public const string PublicKey = "public key";
    }

    private const string CrlDistributionPointsOid = "2.5.29.31";

    /// <summary>The problem line for <paramref name="part"/>, as <see cref="CertificateDetails.ReadProblems"/> holds it.</summary>
    public static string Unreadable(string part, string reason) => $"{part} unreadable: {reason}";

    /// <summary>Whether <paramref name="problems"/> say that <paramref name="part"/> could not be read.</summary>
    public static bool IsUnreadable(IEnumerable<string> problems, string part) =>
        problems.Any(p => p.StartsWith(part + " unreadable", StringComparison.Ordinal));

    public static CertificateDetails Read(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var problems = new List<string>();
        var raw = certificate.RawData;
        var extensions = Part(problems, Parts.Extensions, () => certificate.Extensions.Cast<X509Extension>().ToList(), []);

        // A certificate that did load always has a validity; should it not decode, 1970 reads as long expired, which is the
        // safe way to be wrong, and stays inside what a snapshot may carry.
        var (notBefore, notAfter) = Part(
            problems,
            Parts.Validity,
            () => (Utc(certificate.NotBefore), Utc(certificate.NotAfter)),
            (DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));

        var isCertificateAuthority = Extension<X509BasicConstraintsExtension, bool>(problems, extensions, Parts.BasicConstraints, b => b.CertificateAuthority, false);

        // Read only to say whether they can be: Windows refuses a certificate it cannot decode, whatever the portal shows.
        Extension<X509KeyUsageExtension, X509KeyUsageFlags>(problems, extensions, Parts.KeyUsage, k => k.KeyUsages, X509KeyUsageFlags.None);
        Extension<X509AuthorityInformationAccessExtension, int>(problems, extensions, Parts.AuthorityInformationAccess, a => a.EnumerateCAIssuersUris().Count() + a.EnumerateOcspUris().Count(), 0);
        Extension<X509SubjectKeyIdentifierExtension, string?>(problems, extensions, Parts.SubjectKeyIdentifier, s => s.SubjectKeyIdentifier, null);
        Extension<X509AuthorityKeyIdentifierExtension, int>(problems, extensions, Parts.AuthorityKeyIdentifier, a => a.KeyIdentifier?.Length ?? 0, 0);

        return new CertificateDetails
        {
            Sha1Thumbprint = Convert.ToHexString(SHA1.HashData(raw)),
            Sha256Thumbprint = Convert.ToHexString(SHA256.HashData(raw)),
            Subject = Part(problems, Parts.Subject, () => certificate.Subject, ""),
            SubjectAlternativeNames = Extension<X509SubjectAlternativeNameExtension, IReadOnlyList<string>>(problems, extensions, Parts.SubjectAlternativeNames, SubjectAlternativeNames, []),
            Issuer = Part(problems, Parts.Issuer, () => certificate.Issuer, ""),
            SerialNumber = Part(problems, Parts.SerialNumber, () => certificate.SerialNumber, ""),
            NotBefore = notBefore,
            NotAfter = notAfter,
            EnhancedKeyUsages = Extension<X509EnhancedKeyUsageExtension, IReadOnlyList<string>>(problems, extensions, Parts.EnhancedKeyUsages, EnhancedKeyUsages, []),
            CrlDistributionPoints = CrlDistributionPoints(problems, extensions),
            KeyAlgorithm = Part(problems, Parts.PublicKey, () => KeyAlgorithm(certificate), "unknown"),
            KeySize = Part(problems, Parts.PublicKey, () => KeySize(certificate), 0),
            IsCertificateAuthority = isCertificateAuthority,
            HasPrivateKey = certificate.HasPrivateKey,
            ReadProblems = problems.Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>
    /// What could not be read in a certificate kept as DER (the portal's stored copy); empty when everything could, or when
    /// there is no copy. Bytes that are no certificate at all say so in one line instead of throwing.
    /// </summary>
    public static IReadOnlyList<string> ReadProblems(byte[]? der)
    {
        if (der is not { Length: > 0 })
        {
            return [];
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            return [Unreadable("certificate", Reason(e))];
        }

        using (certificate)
        {
            return Read(certificate).ReadProblems;
        }
    }

    /// <summary>The facts the certificate checks need (<see cref="CertificateFitness"/>, <see cref="SstpRotationCheck"/>), read from the certificate.</summary>
    public static CertificateFacts Facts(X509Certificate2 certificate) => Facts(Read(certificate));

    public static CertificateFacts Facts(CertificateDetails details) => new()
    {
        EnhancedKeyUsages = details.EnhancedKeyUsages,
        HasPrivateKey = details.HasPrivateKey,
        NotBefore = details.NotBefore,
        NotAfter = details.NotAfter,
        CrlDistributionPoints = details.CrlDistributionPoints,
        SubjectCommonName = DistinguishedNames.CommonName(details.Subject),
        DnsNames = CertificateHostNames.DnsNames(details.SubjectAlternativeNames),
        KeyAlgorithm = details.KeyAlgorithm,
        KeySize = details.KeySize,
        ReadProblems = details.ReadProblems,
    };

    // The one place a decoder's exception is caught. Whatever a decoder throws on these bytes (CryptographicException and
    // AsnContentException mostly, but an argument or format error from deeper down says the same) means only that this
    // part cannot be read; it is recorded, never dropped.
    private static T Part<T>(List<string> problems, string part, Func<T> read, T unreadable)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            problems.Add(Unreadable(part, Reason(e)));
            return unreadable;
        }
    }

    // Only the first extension of a type is read, as Windows does; a second copy is itself malformed and makes no difference.
    private static TResult Extension<TExtension, TResult>(
        List<string> problems, IReadOnlyList<X509Extension> extensions, string part, Func<TExtension, TResult> read, TResult unreadable)
        where TExtension : X509Extension =>
        extensions.OfType<TExtension>().FirstOrDefault() is { } extension ? Part(problems, part, () => read(extension), unreadable) : unreadable;

    private static string Reason(Exception e)
    {
        var message = e.Message.Trim();
        if (message.Length == 0)
        {
            return e.GetType().Name;
        }

        // A decoder's message is one sentence; cut anything longer so a problem stays one line a person can read.
        message = message.ReplaceLineEndings(" ");
        return message.Length <= 200 ? message : message[..197] + "...";
    }

    private static DateTimeOffset Utc(DateTime value) => new(value.ToUniversalTime(), TimeSpan.Zero);

    private static IReadOnlyList<string> SubjectAlternativeNames(X509SubjectAlternativeNameExtension extension)
    {
        var names = new List<string>();
        names.AddRange(extension.EnumerateDnsNames().Select(n => CertificateHostNames.DnsPrefix + n));
        names.AddRange(extension.EnumerateIPAddresses().Select(a => "IP:" + a));
        return names;
    }

    private static IReadOnlyList<string> EnhancedKeyUsages(X509EnhancedKeyUsageExtension extension) =>
        extension.EnhancedKeyUsages.Cast<Oid>()
            .Select(o => o.Value ?? "")
            .Where(v => v.Length > 0)
            .ToList();

    private static IReadOnlyList<string> CrlDistributionPoints(List<string> problems, IReadOnlyList<X509Extension> extensions) =>
        extensions.FirstOrDefault(e => e.Oid?.Value == CrlDistributionPointsOid) is { } extension
            ? Part(problems, Parts.CrlDistributionPoints, () => ReadUris(extension.RawData), [])
            : [];

    private static List<string> ReadUris(byte[] der)
    {
        // CRLDistributionPoints ::= SEQUENCE OF DistributionPoint; the URIs are GeneralName [6] IA5String
        // inside distributionPoint [0] fullName [0]. Walk the structure and collect every [6].
        var uris = new List<string>();
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        Collect(reader.ReadSequence(), uris);
        reader.ThrowIfNotEmpty();
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

    // Through PublicKey, not the certificate's GetRSAPublicKey/GetECDsaPublicKey: those also decode the key usage extension
    // to check the key may sign, so a broken key usage would cost the key's size too.
    private static int KeySize(X509Certificate2 certificate)
    {
        var key = certificate.PublicKey;
        using var rsa = key.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.KeySize;
        }

        using var ecdsa = key.GetECDsaPublicKey();
        return ecdsa?.KeySize ?? 0;
    }
}
