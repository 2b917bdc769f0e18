using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace VpnPortal.Domain.Certificates;

/// <summary>A certificate file that cannot be read; the message is for the person who gave it (never containing a password).</summary>
public sealed class CertificateFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads the certificate in a file's bytes (PEM, DER/.cer, or PFX with its password): an upload to the portal, or a file
/// given to the agent's <c>inspect-cert</c>. PFX keys are loaded ephemerally: reading a file never writes its key anywhere.
/// Refusals are <see cref="CertificateFileException"/>s whose message says, for people, what the file is instead.
/// </summary>
public static class CertificateFiles
{
    /// <summary>Larger files are refused: a PFX with a full chain is a few kilobytes.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    // What the PKCS#12 loaders report for a wrong password (ERROR_INVALID_PASSWORD), on Windows and elsewhere.
    private const int InvalidPassword = unchecked((int)0x80070056);

    /// <summary>
    /// The certificate in uploaded bytes and their format ("PEM", "DER" or "PFX"). For a PFX it is the certificate with the
    /// private key (loaded ephemerally); a PEM with an unencrypted key beside the certificate is read with the key. The
    /// caller disposes the certificate.
    /// </summary>
    /// <param name="data">The file's bytes; at most <see cref="MaxFileBytes"/>.</param>
    /// <param name="password">The PFX password; ignored for PEM and DER. Never part of a message.</param>
    /// <param name="name">What messages call the file, e.g. the uploaded file's name.</param>
    /// <exception cref="CertificateFileException">The bytes are empty, too large, not a certificate, damaged, a PFX whose password is wrong, or a PFX with no private key.</exception>
    public static (X509Certificate2 Certificate, string Format) Load(byte[] data, string? password, string name)
    {
        CheckSize(data, name);
        if (LooksLikePem(data))
        {
            return (LoadPem(name, Encoding.ASCII.GetString(data), readKey: true), "PEM");
        }

        return ContentType(data) switch
        {
            X509ContentType.Cert => (LoadDer(name, data), "DER"),
            X509ContentType.Pkcs12 => (LoadPfx(name, data, password), "PFX"),
            X509ContentType.Pkcs7 or X509ContentType.SerializedCert or X509ContentType.SerializedStore or X509ContentType.Authenticode =>
                throw new CertificateFileException($"{name} is a certificate container (PKCS #7 or a Windows store file), not a single certificate; export the certificate as .cer (DER), PEM or PFX."),
            _ => throw Unrecognised(name, data),
        };
    }

    /// <summary>
    /// The public certificate in uploaded bytes (PEM or DER/.cer) and their format ("PEM" or "DER"), for uses that need no
    /// key, such as untrusting a device. A PFX is refused unread, so no password is asked for; a private key in a PEM file
    /// is not read. The caller disposes the certificate.
    /// </summary>
    /// <param name="data">The file's bytes; at most <see cref="MaxFileBytes"/>.</param>
    /// <param name="name">What messages call the file, e.g. the uploaded file's name.</param>
    /// <exception cref="CertificateFileException">The bytes are empty, too large, a PFX, not a certificate, or damaged.</exception>
    public static (X509Certificate2 Certificate, string Format) LoadPublicCertificate(byte[] data, string name)
    {
        CheckSize(data, name);
        if (LooksLikePem(data))
        {
            return (LoadPem(name, Encoding.ASCII.GetString(data), readKey: false), "PEM");
        }

        return ContentType(data) switch
        {
            X509ContentType.Cert => (LoadDer(name, data), "DER"),
            X509ContentType.Pkcs12 =>
                throw new CertificateFileException($"{name} is a PFX, which holds a private key: only the public certificate is needed; export it as .cer."),
            X509ContentType.Pkcs7 or X509ContentType.SerializedCert or X509ContentType.SerializedStore or X509ContentType.Authenticode =>
                throw new CertificateFileException($"{name} is a certificate container (PKCS #7 or a Windows store file), not a single certificate; export the certificate as .cer."),
            _ => throw Unrecognised(name, data),
        };
    }

    private static void CheckSize(byte[] data, string name)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length == 0)
        {
            throw new CertificateFileException($"{name} is empty.");
        }

        if (data.Length > MaxFileBytes)
        {
            throw new CertificateFileException(TooLarge(name, data.Length));
        }
    }

    /// <summary>The refusal of a file of <paramref name="length"/> bytes, over <see cref="MaxFileBytes"/>.</summary>
    public static string TooLarge(string name, long length) =>
        $"{name} is {length / 1024} KB; certificate files over {MaxFileBytes / 1024} KB are refused.";

    // Bytes no loader accepts: say "damaged" when they start the way a DER certificate or a PFX does, so a file cut short in
    // a copy is not reported as "not a certificate".
    private static CertificateFileException Unrecognised(string name, byte[] data)
    {
        if (DerSequence(data) is { } outer)
        {
            var cut = outer.DeclaredLength > data.Length ? $" (it has {data.Length} of the {outer.DeclaredLength} bytes it announces)" : "";
            if (outer.StartsWithPfxVersion)
            {
                return new CertificateFileException($"{name} looks like a PFX but is damaged or cut short{cut}; export it again.");
            }

            if (outer.StartsWithSequence)
            {
                return new CertificateFileException($"{name} looks like a DER certificate but is damaged or cut short{cut}; copy or export it again.");
            }
        }

        return new CertificateFileException($"{name} is not a certificate in PEM, DER (.cer) or PFX form.");
    }

    private sealed record DerOuter(long DeclaredLength, bool StartsWithSequence, bool StartsWithPfxVersion);

    // Reads only the header of an outer SEQUENCE. The long length form is required: every certificate and PFX is longer than
    // 127 bytes, and it makes random bytes unlikely to pass for DER.
    private static DerOuter? DerSequence(byte[] data)
    {
        if (data.Length < 4 || data[0] != 0x30 || data[1] is < 0x81 or > 0x83)
        {
            return null;
        }

        var lengthBytes = data[1] & 0x7F;
        var header = 2 + lengthBytes;
        if (data.Length <= header)
        {
            return null;
        }

        long length = 0;
        for (var i = 2; i < header; i++)
        {
            length = (length << 8) | data[i];
        }

        var startsWithPfxVersion = data.Length >= header + 3 && data[header] == 0x02 && data[header + 1] == 0x01 && data[header + 2] == 0x03;
        return new DerOuter(header + length, data[header] == 0x30, startsWithPfxVersion);
    }

    private static X509ContentType ContentType(byte[] bytes)
    {
        try
        {
            return X509Certificate2.GetCertContentType(bytes);
        }
        catch (CryptographicException)
        {
            return X509ContentType.Unknown;
        }
    }

    private static bool LooksLikePem(byte[] bytes)
    {
        var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
        return head.Contains("-----BEGIN ", StringComparison.Ordinal);
    }

    private static X509Certificate2 LoadPem(string name, string text, bool readKey)
    {
        if (!text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw new CertificateFileException(PemWithoutCertificate(name, text));
        }

        try
        {
            // A PEM with an unencrypted key beside the certificate is read with it, so the fitness check sees the key.
            return readKey && text.Contains("PRIVATE KEY-----", StringComparison.Ordinal) && !text.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text, text)
                : X509Certificate2.CreateFromPem(text);
        }
        catch (CryptographicException e)
        {
            throw new CertificateFileException($"{name} holds a damaged PEM certificate or key: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new CertificateFileException($"{name} holds a damaged PEM certificate or key: {e.Message}", e);
        }
    }

    private static string PemWithoutCertificate(string name, string text)
    {
        if (text.Contains("CERTIFICATE REQUEST-----", StringComparison.Ordinal))
        {
            return $"{name} is a certificate request (CSR), not a certificate: submit it to the CA and upload the certificate it issues.";
        }

        if (text.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return $"{name} holds only a private key, no certificate; upload the certificate (.cer or PEM), or a PFX holding the certificate with its key.";
        }

        return $"{name} is PEM but holds no certificate (only e.g. a key or a request).";
    }

    private static X509Certificate2 LoadDer(string name, byte[] bytes)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (CryptographicException e)
        {
            throw new CertificateFileException($"{name} looks like a DER certificate but cannot be decoded: {e.Message}", e);
        }
    }

    private static X509Certificate2 LoadPfx(string name, byte[] bytes, string? password)
    {
        X509Certificate2Collection collection;
        try
        {
            // Ephemeral: the key lives in memory only (not supported on macOS, where the default is used).
            var flags = OperatingSystem.IsMacOS() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;
            collection = X509CertificateLoader.LoadPkcs12Collection(bytes, password, flags);
        }
        catch (CryptographicException e) when (e.HResult == InvalidPassword)
        {
            // The exception text is the platform's and never holds the password; it is kept as the inner exception only.
            throw new CertificateFileException(
                string.IsNullOrEmpty(password) ? $"{name} is a PFX protected by a password; enter its password." : "The password is wrong or the file is not a PFX.",
                e);
        }
        catch (CryptographicException e)
        {
            throw new CertificateFileException($"{name} is a PFX that cannot be read (damaged, or protected in a way this system does not support): {e.Message}", e);
        }

        var chosen = collection.FirstOrDefault(c => c.HasPrivateKey);
        foreach (var other in collection.Where(c => !ReferenceEquals(c, chosen)))
        {
            other.Dispose();
        }

        return chosen ?? throw new CertificateFileException(collection.Count == 0
            ? $"{name} is a PFX that holds no certificate."
            : $"{name} is a PFX without a private key; export the certificate again with \"Yes, export the private key\".");
    }
}
