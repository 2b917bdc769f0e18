using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VpnPortal.Testing;

/// <summary>Certificates such as a device tunnel presents, for untrusting and disconnecting devices.</summary>
public static class DeviceCertificates
{
    /// <summary>A device tunnel's machine certificate: client authentication, the device FQDN as DNS name and CN.</summary>
    public static X509Certificate2 Create(string fqdn)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={fqdn}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(fqdn);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(365));
    }
}
