using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VpnPortal.Testing;

namespace VpnPortal.Web.Tests.Rotations;

/// <summary>Certificates an admin might upload for an SSTP rollout, generated for each test.</summary>
public static class RotationCertificates
{
    public const string Password = "Rotation-Pfx-Secret-7f3a";

    /// <summary>A PFX (with its key) for the given names, Server Authentication, RSA, valid as asked.</summary>
    public static (byte[] Pfx, X509Certificate2 Certificate) Pfx(
        string commonName = "vpn.corp.example", string[]? dnsNames = null, bool serverAuth = true, int rsaBits = 2048,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string password = Password)
    {
        using var key = TestKeys.Rsa(rsaBits);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames ?? [commonName])
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        var certificate = request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(365));
        return (certificate.Export(X509ContentType.Pkcs12, password), certificate);
    }

    public static MultipartFormDataContent Form(byte[] file, string? password, string? servers, string fileName = "vpn.pfx", params (string Name, string Value)[] extra)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(file), "pfx", fileName } };
        if (password is not null)
        {
            form.Add(new StringContent(password), "password");
        }

        if (servers is not null)
        {
            form.Add(new StringContent(servers), "servers");
        }

        foreach (var (name, value) in extra)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }
}
