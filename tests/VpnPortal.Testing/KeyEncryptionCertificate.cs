using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VpnPortal.Testing;

/// <summary>
/// The key-encryption certificate test portals start with (outside Development the portal refuses to start without
/// one): one PFX per test process, or a new one for a test that needs a node with another certificate.
/// </summary>
public static class KeyEncryptionCertificate
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Shared = new(() => Create());

    /// <summary>The settings that point a portal at the shared certificate, as configuration keys.</summary>
    public static IReadOnlyDictionary<string, string> Settings => Shared.Value;

    /// <summary>The same settings as command-line options of the portal and its admin CLI.</summary>
    public static IEnumerable<string> Arguments => Settings.Select(s => $"--{s.Key}={s.Value}");

    /// <summary>A new certificate in its own PFX file, and the settings that name it.</summary>
    public static IReadOnlyDictionary<string, string> Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=VpnPortal test key encryption {Guid.NewGuid():N}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var path = Path.Combine(Directory.CreateTempSubdirectory("vpnportal-keys-").FullName, "key-encryption.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return new Dictionary<string, string>
        {
            ["DataProtection:CertificatePath"] = path,
            ["DataProtection:CertificatePassword"] = password,
        };
    }
}
