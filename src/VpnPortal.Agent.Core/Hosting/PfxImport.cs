using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VpnPortal.Contracts.Agents;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Agent.Hosting;

/// <summary>
/// Opens the PFX an import-pfx command carries and finds the certificate it names, with its private key. Both hosts use
/// it, so the simulation refuses exactly what a Windows server refuses. No message ever contains the password or the data.
/// </summary>
internal static class PfxImport
{
    /// <summary>A server certificate with its key and chain is a few KB; anything near this is not one.</summary>
    public const int MaxPfxBytes = 256 * 1024;

    /// <summary>The PFX bytes, refused when they are not base64 or not of a plausible size.</summary>
    public static byte[] Decode(ImportPfxPayload payload)
    {
        byte[] data;
        try
        {
            data = Convert.FromBase64String(payload.Pfx ?? "");
        }
        catch (FormatException)
        {
            // Not the FormatException's text: it says nothing more, and the data is not something to repeat.
            throw new CommandFailedException("The PFX is not valid base64; nothing was imported.");
        }

        return data.Length is 0 or > MaxPfxBytes
            ? throw new CommandFailedException($"The PFX is {data.Length} bytes; a certificate with its key is between 1 byte and {MaxPfxBytes / 1024} KB, so nothing was imported.")
            : data;
    }

    /// <summary>
    /// Loads <paramref name="pfx"/> with its password, without persisting any key, and returns the certificate with SHA-1
    /// <paramref name="sha1"/> and its private key (the caller disposes it). Refused: a wrong password or damaged data, a PFX
    /// without that certificate, that certificate without its key, and a PFX carrying the key of any other certificate
    /// (the import must leave no key on the server but the one it was sent for).
    /// </summary>
    public static X509Certificate2 Inspect(byte[] pfx, string? password, string sha1)
    {
        X509Certificate2Collection contents;
        try
        {
            contents = X509CertificateLoader.LoadPkcs12Collection(pfx, password, InspectionKeyStorage);
        }
        catch (CryptographicException e)
        {
            // The loader's messages are fixed texts ("the password may be incorrect", "ASN1 corrupted data"), never the input.
            throw new CommandFailedException($"The PFX could not be opened: the password is wrong, or the data is damaged or not a PFX ({e.Message}). Nothing was imported.", e);
        }

        X509Certificate2? kept = null;
        try
        {
            var named = contents.FirstOrDefault(c => Sha1Of(c) == sha1);
            if (named is null)
            {
                var held = string.Join(", ", contents.Take(5).Select(c => $"{Sha1Of(c)} ({DistinguishedNames.ShortName(c.Subject)})"));
                throw new CommandFailedException(
                    $"The PFX holds {contents.Count} certificate(s){(contents.Count > 0 ? ": " + held + (contents.Count > 5 ? ", ..." : "") : "")}; none is {sha1}, so nothing was imported.");
            }

            if (!named.HasPrivateKey)
            {
                throw new CommandFailedException($"The PFX holds certificate {sha1} ({DistinguishedNames.ShortName(named.Subject)}) without its private key; SSTP needs the key, so nothing was imported.");
            }

            if (KeyProblem(named) is { } problem)
            {
                throw new CommandFailedException($"The private key in the PFX does not serve certificate {sha1}: {problem}. Nothing was imported.");
            }

            var otherKeys = contents.Count(c => c.HasPrivateKey && !ReferenceEquals(c, named));
            if (otherKeys > 0)
            {
                throw new CommandFailedException($"The PFX also holds the private key of {otherKeys} other certificate(s); it may carry only the key of {sha1}, so nothing was imported.");
            }

            kept = named;
            return named;
        }
        finally
        {
            foreach (var certificate in contents.Where(c => !ReferenceEquals(c, kept)))
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>
    /// Why the certificate's private key cannot serve TLS, or null when it can: the key must sign, and its signature must
    /// verify with the certificate's public key (a PFX can pair a certificate with the wrong key; a machine key can be
    /// unreadable to the agent).
    /// </summary>
    public static string? KeyProblem(X509Certificate2 certificate)
    {
        var data = "VpnPortal agent: does this key sign for this certificate?"u8.ToArray();
        try
        {
            using (var rsa = certificate.GetRSAPrivateKey())
            {
                if (rsa is not null)
                {
                    using var publicKey = certificate.GetRSAPublicKey()!;
                    var signature = rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                    return publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1) ? null : "it is not the key of this certificate";
                }
            }

            using (var ecdsa = certificate.GetECDsaPrivateKey())
            {
                if (ecdsa is not null)
                {
                    using var publicKey = certificate.GetECDsaPublicKey()!;
                    var signature = ecdsa.SignData(data, HashAlgorithmName.SHA256);
                    return publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256) ? null : "it is not the key of this certificate";
                }
            }

            return certificate.HasPrivateKey
                ? $"it is a {certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value} key; TLS servers here use RSA or ECDSA"
                : "there is no private key";
        }
        catch (CryptographicException e)
        {
            return $"it cannot sign ({e.Message})";
        }
    }

    public static string Sha1Of(X509Certificate2 certificate) => Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA1));

    // Looking inside must not leave a key behind: ephemeral keys live in memory only. macOS has none, and its default
    // (a temporary keychain, removed on dispose) is the nearest thing.
    private static X509KeyStorageFlags InspectionKeyStorage =>
        OperatingSystem.IsMacOS() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;
}
