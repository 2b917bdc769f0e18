using System.Security.Cryptography.X509Certificates;
using VpnPortal.Contracts.Agents;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Agent.Certificates;

/// <summary>Turns an X.509 certificate into the fields a snapshot carries, as <see cref="CertificateReader"/> reads them.</summary>
public static class CertificateReport
{
    /// <summary>
    /// The certificate as a snapshot reports it. Never throws on what the certificate holds: a part that cannot be read is
    /// left empty and named in <see cref="ReportedCertificate.ReadProblems"/>.
    /// </summary>
    public static ReportedCertificate From(X509Certificate2 certificate, CertificateStoreKind store)
    {
        var details = CertificateReader.Read(certificate);
        return new ReportedCertificate
        {
            Store = store,
            Sha1Thumbprint = details.Sha1Thumbprint,
            Sha256Thumbprint = details.Sha256Thumbprint,
            Subject = details.Subject,
            SubjectAlternativeNames = details.SubjectAlternativeNames,
            Issuer = details.Issuer,
            SerialNumber = details.SerialNumber,
            NotBefore = details.NotBefore,
            NotAfter = details.NotAfter,
            EnhancedKeyUsages = details.EnhancedKeyUsages,
            CrlDistributionPoints = details.CrlDistributionPoints,
            KeyAlgorithm = details.KeyAlgorithm,
            KeySize = details.KeySize,
            IsCertificateAuthority = details.IsCertificateAuthority,
            HasPrivateKey = details.HasPrivateKey,
            RawData = Convert.ToBase64String(certificate.RawData),
            ReadProblems = details.ReadProblems,
        };
    }
}
