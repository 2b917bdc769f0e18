using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VpnPortal.Testing;

namespace VpnPortal.Web.ComponentTests.Support;

/// <summary>PFX files an admin might upload for an SSTP rollout, generated for each test.</summary>
internal static class TestPfx
{
    public const string Password = "Page-Pfx-Secret-41c9";

    /// <summary>A self-signed PFX with its RSA key for <paramref name="dnsNames"/>, for Server Authentication unless told otherwise.</summary>
    public static (byte[] Pfx, X509Certificate2 Certificate) Create(
        DateTimeOffset now, string commonName = "vpn.corp.example", string[]? dnsNames = null, bool serverAuth = true)
    {
        using var key = TestKeys.Rsa2048();
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames ?? [commonName])
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(365));
        return (certificate.Export(X509ContentType.Pkcs12, Password), certificate);
    }
}
