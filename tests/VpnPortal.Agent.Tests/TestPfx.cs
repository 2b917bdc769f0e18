using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VpnPortal.Contracts.Agents;
using VpnPortal.Testing;

namespace VpnPortal.Agent.Tests;

/// <summary>PFX files as an import-pfx command carries them, made from certificates generated in the test.</summary>
internal static class TestPfx
{
    public const string Password = "Correct-Horse-7!Battery";

    /// <summary>An SSTP-fit certificate (Server Authentication, a CRL point) for <paramref name="dnsName"/>, with its RSA key.</summary>
    public static X509Certificate2 ServerCertificate(string dnsName = "vpn.corp.example")
    {
        using var key = TestKeys.Rsa2048();
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://pki.corp.example/crl/issuing.crl"]));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365));
    }

    /// <summary>The certificates (with the keys they carry) in one PFX under <paramref name="password"/>.</summary>
    public static byte[] Export(string password, params X509Certificate2[] certificates) =>
        new X509Certificate2Collection(certificates).Export(X509ContentType.Pfx, password)!;

    /// <summary>The command's payload for <paramref name="pfx"/>, naming <paramref name="sha1"/>.</summary>
    public static ImportPfxPayload Payload(byte[] pfx, string sha1, string password = Password) =>
        new() { Pfx = Convert.ToBase64String(pfx), Password = password, Sha1Thumbprint = sha1 };

    /// <summary>The public part only: the same certificate without its key.</summary>
    public static X509Certificate2 PublicOnly(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);
}
