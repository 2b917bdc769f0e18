using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using VpnPortal.Contracts.Agents;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Agent.Certificates;

/// <summary>A certificate file that cannot be read; the message is for the person who gave it (never containing a password).</summary>
public sealed class CertificateFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What <c>inspect-cert</c> reports about one certificate file.</summary>
public sealed record CertificateInspection
{
    public required string File { get; init; }

    /// <summary>"PEM", "DER" or "PFX".</summary>
    public required string Format { get; init; }

    public required string Sha1Thumbprint { get; init; }
    public required string Sha256Thumbprint { get; init; }
    public required string Subject { get; init; }
    public required IReadOnlyList<string> SubjectAlternativeNames { get; init; }
    public required string Issuer { get; init; }
    public required string SerialNumber { get; init; }
    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset NotAfter { get; init; }
    public required IReadOnlyList<NamedKeyUsage> EnhancedKeyUsages { get; init; }
    public required string KeyAlgorithm { get; init; }
    public required int KeySize { get; init; }
    public required bool HasPrivateKey { get; init; }
    public required bool IsCertificateAuthority { get; init; }
    public required IReadOnlyList<string> CrlDistributionPoints { get; init; }
    public required CertificateFitnessReport Fitness { get; init; }
}

public sealed record CertificateFitnessReport(FitnessVerdict Sstp, FitnessVerdict Ikev2, FitnessVerdict ClientAuth);

/// <summary>
/// Loads a certificate file an administrator is about to deploy (PEM, DER/.cer, or PFX with its password) and says what
/// it is and what it is fit for. PFX keys are loaded ephemerally: inspecting a file never writes its key anywhere.
/// </summary>
public static class CertificateInspector
{
    /// <summary>Larger files are refused: a PFX with a full chain is a few kilobytes.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    public static CertificateInspection Inspect(string path, string? password, DateTimeOffset now)
    {
        var (certificate, format) = Load(path, password);
        using (certificate)
        {
            var report = CertificateReport.From(certificate, CertificateStoreKind.My);
            var facts = new CertificateFacts
            {
                EnhancedKeyUsages = report.EnhancedKeyUsages,
                HasPrivateKey = report.HasPrivateKey,
                NotBefore = report.NotBefore,
                NotAfter = report.NotAfter,
                CrlDistributionPoints = report.CrlDistributionPoints,
            };

            return new CertificateInspection
            {
                File = Path.GetFullPath(path),
                Format = format,
                Sha1Thumbprint = report.Sha1Thumbprint,
                Sha256Thumbprint = report.Sha256Thumbprint,
                Subject = report.Subject,
                SubjectAlternativeNames = report.SubjectAlternativeNames,
                Issuer = report.Issuer,
                SerialNumber = report.SerialNumber,
                NotBefore = report.NotBefore,
                NotAfter = report.NotAfter,
                EnhancedKeyUsages = Domain.Certificates.EnhancedKeyUsages.Describe(report.EnhancedKeyUsages),
                KeyAlgorithm = report.KeyAlgorithm,
                KeySize = report.KeySize,
                HasPrivateKey = report.HasPrivateKey,
                IsCertificateAuthority = report.IsCertificateAuthority,
                CrlDistributionPoints = report.CrlDistributionPoints,
                Fitness = new CertificateFitnessReport(
                    CertificateFitness.Sstp(facts, now),
                    CertificateFitness.Ikev2(facts, now),
                    CertificateFitness.ClientAuthentication(facts, now)),
            };
        }
    }

    /// <summary>The certificate in the file (for a PFX, the one with a private key) and the file's format.</summary>
    public static (X509Certificate2 Certificate, string Format) Load(string path, string? password)
    {
        var bytes = ReadBounded(path);
        if (bytes.Length == 0)
        {
            throw new CertificateFileException($"{path} is empty.");
        }

        if (LooksLikePem(bytes))
        {
            return (LoadPem(path, Encoding.ASCII.GetString(bytes)), "PEM");
        }

        return ContentType(bytes) switch
        {
            X509ContentType.Cert => (LoadDer(path, bytes), "DER"),
            X509ContentType.Pkcs12 => (LoadPfx(bytes, password), "PFX"),
            X509ContentType.Pkcs7 or X509ContentType.SerializedCert or X509ContentType.SerializedStore or X509ContentType.Authenticode =>
                throw new CertificateFileException($"{path} is a certificate container this verb does not read; export the certificate as .cer (DER), PEM or PFX."),
            _ when password is not null =>
                throw new CertificateFileException("The password is wrong or the file is not a PFX."),
            _ => throw new CertificateFileException($"{path} is not a certificate in PEM, DER (.cer) or PFX form, or it is damaged."),
        };
    }

    // On Linux the probe throws for bytes it cannot place instead of answering Unknown; both mean "not a certificate".
    private static X509ContentType ContentType(byte[] bytes)
    {
        try
        {
            return X509Certificate2.GetCertContentType(bytes);
        }
        catch (CryptographicException)
        {
            return X509ContentType.Unknown;
        }
    }

    private static byte[] ReadBounded(string path)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new CertificateFileException($"{path} does not exist.");
            }
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or UnauthorizedAccessException or PathTooLongException)
        {
            throw new CertificateFileException($"{path} cannot be opened: {e.Message}", e);
        }

        if (info.Length > MaxFileBytes)
        {
            throw new CertificateFileException($"{path} is {info.Length / 1024} KB; certificate files over {MaxFileBytes / 1024} KB are refused.");
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CertificateFileException($"{path} cannot be read: {e.Message}", e);
        }
    }

    private static bool LooksLikePem(byte[] bytes)
    {
        var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
        return head.Contains("-----BEGIN ", StringComparison.Ordinal);
    }

    private static X509Certificate2 LoadPem(string path, string text)
    {
        if (!text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw new CertificateFileException($"{path} is PEM but holds no certificate (only e.g. a key or a request).");
        }

        try
        {
            // A PEM with an unencrypted key beside the certificate is read with it, so the fitness check sees the key.
            return text.Contains("PRIVATE KEY-----", StringComparison.Ordinal) && !text.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text, text)
                : X509Certificate2.CreateFromPem(text);
        }
        catch (CryptographicException e)
        {
            throw new CertificateFileException($"{path} holds a damaged PEM certificate or key: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new CertificateFileException($"{path} holds a damaged PEM certificate or key: {e.Message}", e);
        }
    }

    private static X509Certificate2 LoadDer(string path, byte[] bytes)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (CryptographicException e)
        {
            throw new CertificateFileException($"{path} looks like a DER certificate but cannot be decoded: {e.Message}", e);
        }
    }

    private static X509Certificate2 LoadPfx(byte[] bytes, string? password)
    {
        X509Certificate2Collection collection;
        try
        {
            // Ephemeral: the key lives in memory only (not supported on macOS, where the default is used).
            var flags = OperatingSystem.IsMacOS() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;
            collection = X509CertificateLoader.LoadPkcs12Collection(bytes, password, flags);
        }
        catch (CryptographicException e)
        {
            // The exception text is the platform's and never holds the password; it is kept as the inner exception only.
            throw new CertificateFileException("The password is wrong or the file is not a PFX.", e);
        }

        var withKey = collection.FirstOrDefault(c => c.HasPrivateKey);
        var chosen = withKey ?? collection.FirstOrDefault()
            ?? throw new CertificateFileException("The PFX holds no certificate.");
        foreach (var other in collection.Where(c => !ReferenceEquals(c, chosen)))
        {
            other.Dispose();
        }

        return chosen;
    }
}
