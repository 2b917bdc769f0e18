using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VpnPortal.Web.Tests.MfaMethods;

/// <summary>
/// App registration certificates made for a test (never key files kept in the repository), and the PFX files a portal is
/// given, in a folder of their own that is deleted with this.
/// </summary>
internal sealed class ClientCertificateFiles : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vpnportal-entra-cert-").FullName;
    private readonly List<X509Certificate2> _certificates = [];

    /// <summary>A self-signed certificate with its RSA private key, as an app registration's credential is made.</summary>
    public X509Certificate2 Create(string name = "VpnPortal MFA")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        _certificates.Add(certificate);
        return certificate;
    }

    /// <summary>The certificate and its private key as a PFX file protected by <paramref name="password"/>.</summary>
    public string WritePfx(X509Certificate2 certificate, string? password) => Write(certificate.Export(X509ContentType.Pfx, password));

    /// <summary>A PFX file holding the certificate alone, as exported without its private key.</summary>
    public string WritePfxWithoutKey(X509Certificate2 certificate)
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        return Write(publicOnly.Export(X509ContentType.Pfx, (string?)null));
    }

    public string MissingPath => Path.Combine(_folder, "missing.pfx");

    public void Dispose()
    {
        foreach (var certificate in _certificates)
        {
            certificate.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }

    private string Write(byte[] pfx)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, pfx);
        return path;
    }
}
