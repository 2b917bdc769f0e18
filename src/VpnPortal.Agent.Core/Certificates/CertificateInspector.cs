using System.Security.Cryptography.X509Certificates;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Agent.Certificates;

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

    /// <summary>The parts of the certificate that could not be read ("subject alternative names unreadable: ..."); empty when all could.</summary>
    public required IReadOnlyList<string> ReadProblems { get; init; }

    public required CertificateFitnessReport Fitness { get; init; }
}

public sealed record CertificateFitnessReport(FitnessVerdict Sstp, FitnessVerdict Ikev2, FitnessVerdict ClientAuth);

/// <summary>
/// Loads a certificate file an administrator is about to deploy (PEM, DER/.cer, or PFX with its password) and says what
/// it is and what it is fit for. The file is read here; what its bytes hold is read by <see cref="CertificateFiles"/>.
/// </summary>
public static class CertificateInspector
{
    public static CertificateInspection Inspect(string path, string? password, DateTimeOffset now)
    {
        var (certificate, format) = Load(path, password);
        using (certificate)
        {
            var report = CertificateReader.Read(certificate);
            var facts = CertificateReader.Facts(report);

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
                ReadProblems = report.ReadProblems,
                Fitness = new CertificateFitnessReport(
                    CertificateFitness.Sstp(facts, now),
                    CertificateFitness.Ikev2(facts, now),
                    CertificateFitness.ClientAuthentication(facts, now)),
            };
        }
    }

    /// <summary>The certificate in the file (for a PFX, the one with a private key) and the file's format; messages name the file by its path.</summary>
    public static (X509Certificate2 Certificate, string Format) Load(string path, string? password) => CertificateFiles.Load(ReadBounded(path), password, path);

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

        if (info.Length > CertificateFiles.MaxFileBytes)
        {
            throw new CertificateFileException(CertificateFiles.TooLarge(path, info.Length));
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
}
