using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace VpnPortal.Web.Hosting;

/// <summary>
/// What encrypts the portal's data-protection keys at rest (section "DataProtection"). The keys themselves live in the
/// portal database next to what they protect (sign-in cookies, the SMTP password, webhook addresses, a rollout's PFX),
/// so they are encrypted by something kept apart from it: a certificate every portal node holds, or on Windows a
/// DPAPI-NG rule every node satisfies.
/// </summary>
public sealed class KeyEncryptionOptions
{
    public const string Section = "DataProtection";

    /// <summary>A PFX file with an RSA key (2048 bits or more); the same file on every node.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX's password; from the environment or a secret store, never appsettings.json.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Windows: the thumbprint of a certificate with its private key in Local Computer\Personal.</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>
    /// Certificates that encrypted keys before a change of certificate (PFX files; their passwords in
    /// <see cref="PreviousCertificatePasswords"/>, same order): kept only to read those older keys.
    /// </summary>
    public List<string> PreviousCertificatePaths { get; set; } = [];

    public List<string> PreviousCertificatePasswords { get; set; } = [];

    /// <summary>Windows: a DPAPI-NG protection descriptor every portal node satisfies, e.g. "SID=S-1-5-21-…" of an AD group.</summary>
    public string? DpapiNgRule { get; set; }

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(CertificateThumbprint) || !string.IsNullOrWhiteSpace(DpapiNgRule);

    public const string HowToSet =
        "Set DataProtection:CertificatePath to a PFX file with an RSA key (its password in DataProtection:CertificatePassword, " +
        "through the environment or a secret store), the same file on every portal node; on Windows, DataProtection:CertificateThumbprint " +
        "(a certificate in Local Computer\\Personal) or DataProtection:DpapiNgRule (for example \"SID=S-1-5-21-...\" of an AD group that " +
        "every portal node's account is in) work too. See the README, \"Security\".";
}

/// <summary>The certificates that encrypt and decrypt the keys, loaded once.</summary>
public sealed class KeyEncryptionCertificates(IOptions<KeyEncryptionOptions> options) : IDisposable
{
    private readonly Lazy<(X509Certificate2? Current, IReadOnlyList<X509Certificate2> All)> _loaded = new(() => Load(options.Value));

    /// <summary>The certificate new keys are encrypted with; null when the keys are protected otherwise.</summary>
    public X509Certificate2? Current => _loaded.Value.Current;

    /// <summary>The certificate of this thumbprint, current or previous; null when this portal has none.</summary>
    public X509Certificate2? Find(string thumbprint) =>
        _loaded.Value.All.FirstOrDefault(c => string.Equals(c.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A new self-signed certificate for key encryption (RSA 3072, valid 10 years: it encrypts, it is never presented to
    /// anyone), as a PFX protected by a random password; for <c>admin create-key-certificate</c>.
    /// </summary>
    public static (byte[] Pfx, string Password) CreateSelfSigned(DateTimeOffset now)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=VpnPortal data-protection key encryption", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        return (certificate.Export(X509ContentType.Pkcs12, password), password);
    }

    /// <summary>Loads and checks the configured certificates; the message names what is wrong (never a password).</summary>
    internal static (X509Certificate2? Current, IReadOnlyList<X509Certificate2> All) Load(KeyEncryptionOptions o)
    {
        var all = new List<X509Certificate2>();
        X509Certificate2? current = null;
        if (!string.IsNullOrWhiteSpace(o.CertificatePath))
        {
            current = FromFile(o.CertificatePath, o.CertificatePassword, "DataProtection:CertificatePath");
        }
        else if (!string.IsNullOrWhiteSpace(o.CertificateThumbprint))
        {
            current = OperatingSystem.IsWindows()
                ? FromMachineStore(o.CertificateThumbprint)
                : throw new InvalidOperationException("DataProtection:CertificateThumbprint reads the Windows certificate store; on this system use DataProtection:CertificatePath.");
        }

        if (current is not null)
        {
            all.Add(current);
        }

        for (var i = 0; i < o.PreviousCertificatePaths.Count; i++)
        {
            all.Add(FromFile(o.PreviousCertificatePaths[i], i < o.PreviousCertificatePasswords.Count ? o.PreviousCertificatePasswords[i] : null, $"DataProtection:PreviousCertificatePaths:{i}"));
        }

        return (current, all);
    }

    private static X509Certificate2 FromFile(string path, string? password, string setting)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{setting} ({path}) cannot be read as a PFX with its password: {e.GetType().Name}. Check the path, the file's permissions and DataProtection:CertificatePassword.", e);
        }

        return Checked(certificate, $"{setting} ({path})");
    }

    [SupportedOSPlatform("windows")]
    private static X509Certificate2 FromMachineStore(string thumbprint)
    {
        using var store = new X509Store(StoreName.My, StoreLocation.LocalMachine);
        store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        var found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint.Replace(" ", "", StringComparison.Ordinal), validOnly: false);
        return found.Count == 1
            ? Checked(found[0], $"DataProtection:CertificateThumbprint ({thumbprint})")
            : throw new InvalidOperationException($"No certificate with the thumbprint {thumbprint} is in Local Computer\\Personal (DataProtection:CertificateThumbprint).");
    }

    private static X509Certificate2 Checked(X509Certificate2 certificate, string what)
    {
        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is null)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{what} has no RSA private key; key encryption needs a certificate with its RSA key (2048 bits or more).");
        }

        if (rsa.KeySize < 2048)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{what} has a {rsa.KeySize}-bit RSA key; use 2048 bits or more.");
        }

        return certificate;
    }

    public void Dispose()
    {
        if (_loaded.IsValueCreated)
        {
            foreach (var certificate in _loaded.Value.All)
            {
                certificate.Dispose();
            }
        }
    }
}

/// <summary>
/// Encrypts a data-protection key for storage: a fresh AES-256-GCM key encrypts the key's XML, and the certificate's RSA
/// key (OAEP with SHA-256) wraps that AES key. The element names the certificate by thumbprint, so a node holding a
/// previous certificate still reads keys written before a change.
/// </summary>
public sealed class CertificateKeyEncryptor(X509Certificate2 certificate) : IXmlEncryptor
{
    internal static readonly XName Root = "vpnportalEncryptedKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var ciphertext = new byte[plaintext.Length];
        var thumbprint = certificate.Thumbprint.ToUpperInvariant();
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, Encoding.ASCII.GetBytes(thumbprint));
        }

        using var rsa = certificate.GetRSAPublicKey() ?? throw new CryptographicException("The key-encryption certificate has no RSA key.");
        var wrapped = rsa.Encrypt(key, RSAEncryptionPadding.OaepSHA256);
        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(
            Root,
            new XAttribute("certificate", thumbprint),
            new XAttribute("algorithm", "RSA-OAEP-SHA256+AES-256-GCM"),
            new XElement("wrappedKey", Convert.ToBase64String(wrapped)),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("ciphertext", Convert.ToBase64String(ciphertext)));
        return new EncryptedXmlInfo(element, typeof(CertificateKeyDecryptor));
    }
}

/// <summary>Reads what <see cref="CertificateKeyEncryptor"/> wrote, with the certificate it names.</summary>
public sealed class CertificateKeyDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var thumbprint = (string?)encryptedElement.Attribute("certificate") ?? throw new CryptographicException("The encrypted data-protection key names no certificate.");
        var certificate = services.GetRequiredService<KeyEncryptionCertificates>().Find(thumbprint)
            ?? throw new CryptographicException(
                $"A data-protection key is encrypted with certificate {thumbprint}, which this portal does not have. Configure it as DataProtection:CertificatePath, " +
                "or as one of DataProtection:PreviousCertificatePaths if the portal has moved on to a new certificate.");
        byte[] Part(string name) => Convert.FromBase64String((string?)encryptedElement.Element(name) ?? throw new CryptographicException($"The encrypted data-protection key has no {name}."));

        using var rsa = certificate.GetRSAPrivateKey() ?? throw new CryptographicException($"Certificate {thumbprint} has no RSA private key.");
        var key = rsa.Decrypt(Part("wrappedKey"), RSAEncryptionPadding.OaepSHA256);
        var ciphertext = Part("ciphertext");
        var tag = Part("tag");
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key, tag.Length);
            aes.Decrypt(Part("nonce"), ciphertext, tag, plaintext, Encoding.ASCII.GetBytes(thumbprint.ToUpperInvariant()));
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>Registration and start-up checks of key encryption.</summary>
public static class KeyEncryption
{
    /// <summary>Where Development keeps its own key-encryption certificate, under the content root, next to the embedded database.</summary>
    public const string DevelopmentCertificatePath = "data/development-key-encryption.pfx";

    public static IServiceCollection AddKeyEncryption(this IServiceCollection services)
    {
        services.AddOptions<KeyEncryptionOptions>().BindConfiguration(KeyEncryptionOptions.Section).ValidateOnStart()
            .PostConfigure<IHostEnvironment, TimeProvider>((options, environment, time) =>
            {
                // Development encrypts its keys too, with a certificate of its own made on the first start, so it runs the
                // same code as production (and logs no warning about unencrypted keys). It is for development only: it
                // sits next to the database it protects, which production refuses.
                if (!options.IsConfigured && environment.IsDevelopment())
                {
                    options.CertificatePath = DevelopmentCertificate(Path.Combine(environment.ContentRootPath, DevelopmentCertificatePath), time);
                    options.CertificatePassword = null;
                }
            });
        services.AddSingleton<IValidateOptions<KeyEncryptionOptions>, KeyEncryptionValidation>();
        services.AddSingleton<KeyEncryptionCertificates>();

        // Decided when the key ring is first used, from the options as configured then (tests and hosting add settings late).
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<KeyEncryptionOptions>, KeyEncryptionCertificates, ILoggerFactory>(
            (keys, options, certificates, loggers) =>
            {
                if (certificates.Current is { } certificate)
                {
                    keys.XmlEncryptor = new CertificateKeyEncryptor(certificate);
                }
                else if (!string.IsNullOrWhiteSpace(options.Value.DpapiNgRule) && OperatingSystem.IsWindows())
                {
                    keys.XmlEncryptor = new DpapiNGXmlEncryptor(options.Value.DpapiNgRule, DpapiNGProtectionDescriptorFlags.None, loggers);
                }
            });
        return services;
    }

    /// <summary>The development certificate at <paramref name="path"/>, made (without a password) when it is not there yet.</summary>
    private static string DevelopmentCertificate(string path, TimeProvider time)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var (pfx, password) = KeyEncryptionCertificates.CreateSelfSigned(time.GetUtcNow());
            using var certificate = X509CertificateLoader.LoadPkcs12(pfx, password, X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
            // Written aside and moved into place, so two portals starting together never read a half-written file; the
            // one that loses keeps the winner's.
            var aside = $"{path}.{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(aside, certificate.Export(X509ContentType.Pkcs12));
            try
            {
                File.Move(aside, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(aside);
            }
        }

        return path;
    }
}

/// <summary>
/// Outside Development the portal does not start with its keys unprotected, nor with a certificate it cannot use; the
/// message says what to set.
/// </summary>
internal sealed class KeyEncryptionValidation(IHostEnvironment environment) : IValidateOptions<KeyEncryptionOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyEncryptionOptions options)
    {
        if (!options.IsConfigured)
        {
            return environment.IsDevelopment()
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    "The portal's data-protection keys must be encrypted at rest by a key kept apart from the database, and none is configured. " +
                    KeyEncryptionOptions.HowToSet + " (Only in Development may the keys be stored unencrypted.)");
        }

        if (!string.IsNullOrWhiteSpace(options.DpapiNgRule) && !OperatingSystem.IsWindows())
        {
            return ValidateOptionsResult.Fail("DataProtection:DpapiNgRule uses Windows DPAPI-NG; on this system use DataProtection:CertificatePath.");
        }

        try
        {
            var (_, all) = KeyEncryptionCertificates.Load(options);
            foreach (var certificate in all)
            {
                certificate.Dispose();
            }

            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
