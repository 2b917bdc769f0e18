using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VpnPortal.Domain.Tests.Certificates;

/// <summary>The key a test certificate gets.</summary>
public enum TestKey
{
    Rsa1024,
    Rsa2048,
    EcdsaP256,
}

/// <summary>Self-signed certificates made for one test, with the names, usages, key and validity it needs.</summary>
internal static class TestCertificates
{
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>A certificate with a private key. <c>ekus</c> null means Server Authentication; empty means no EKU extension (all purposes).</summary>
    public static X509Certificate2 Create(
        string subject = "CN=vpn.corp.example, O=Corp",
        string[]? dnsNames = null,
        string[]? ekus = null,
        TestKey key = TestKey.Rsa2048,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null)
    {
        using AsymmetricAlgorithm algorithm = key switch
        {
            TestKey.Rsa1024 => RSA.Create(1024),
            TestKey.Rsa2048 => RSA.Create(2048),
            _ => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        };
        var request = algorithm is RSA rsa
            ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)algorithm, HashAlgorithmName.SHA256);

        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames ?? ["vpn.corp.example"])
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        if (ekus is not [])
        {
            var usages = new OidCollection();
            foreach (var eku in ekus ?? [ServerAuthentication])
            {
                usages.Add(new Oid(eku));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        }

        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://pki.corp.example/crl/issuing.crl"]));
        return request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-30), notAfter ?? DateTimeOffset.UtcNow.AddDays(365));
    }
}
