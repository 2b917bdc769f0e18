using VpnPortal.Web.Hosting;

namespace VpnPortal.Bench;

/// <summary>A key-encryption certificate in the benchmark's folder: the portal runs as in production, keys encrypted.</summary>
internal static class KeyCertificate
{
    /// <summary>Writes the PFX into <paramref name="directory"/>; returns the settings that name it.</summary>
    public static IReadOnlyDictionary<string, string> Create(string directory)
    {
        var (pfx, password) = KeyEncryptionCertificates.CreateSelfSigned(DateTimeOffset.UtcNow);
        var path = Path.Combine(directory, "key-encryption.pfx");
        File.WriteAllBytes(path, pfx);
        return new Dictionary<string, string> { ["DataProtection:CertificatePath"] = path, ["DataProtection:CertificatePassword"] = password };
    }
}
