using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VpnPortal.Web.Security;

/// <summary>A certificate credential as it was found, or why it cannot be used, in words that name the setting to fix.</summary>
public sealed record ClientCertificate(X509Certificate2? Certificate, string? Problem);

/// <summary>
/// An app registration's certificate credential: a PFX file with its password, or a thumbprint of a certificate in the
/// Windows certificate store (LocalMachine\My, then CurrentUser\My). It must hold an RSA private key and be within
/// its validity period. The password is never part of a message.
/// </summary>
public static class ClientCertificates
{
    /// <param name="settings">The configuration section the settings are in, for messages ("Authentication:Oidc").</param>
    /// <param name="path">The PFX file, or null.</param>
    /// <param name="password">The PFX file's password.</param>
    /// <param name="thumbprint">The SHA-1 thumbprint in the store, used when no file is given.</param>
    public static ClientCertificate Load(string settings, string? path, string? password, string? thumbprint)
    {
        if (!string.IsNullOrWhiteSpace(path))
        {
            return FromFile(settings, path, password);
        }

        var wanted = new string((thumbprint ?? "").Where(char.IsAsciiHexDigit).ToArray()).ToUpperInvariant();
        if (wanted.Length != 40)
        {
            return Refused($"{settings}:ClientCertificateThumbprint must be the certificate's SHA-1 thumbprint, 40 hexadecimal digits.");
        }

        foreach (var location in new[] { StoreLocation.LocalMachine, StoreLocation.CurrentUser })
        {
            X509Certificate2Collection found;
            try
            {
                using var store = new X509Store(StoreName.My, location);
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                found = store.Certificates.Find(X509FindType.FindByThumbprint, wanted, validOnly: false);
            }
            catch (CryptographicException)
            {
                continue; // no such store here (LocalMachine\My exists only on Windows)
            }

            if (found.Count > 0)
            {
                foreach (var other in found.Skip(1))
                {
                    other.Dispose();
                }

                return Usable(found[0], $"{settings}:ClientCertificateThumbprint ({wanted} in {location}\\My)");
            }
        }

        return Refused($"{settings}:ClientCertificateThumbprint: no certificate with thumbprint {wanted} in LocalMachine\\My or CurrentUser\\My. Import it with its private key, and give the portal's account read access to the key.");
    }

    private static ClientCertificate FromFile(string settings, string path, string? password)
    {
        if (!File.Exists(path))
        {
            return Refused($"{settings}:ClientCertificatePath: there is no file {path}.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, string.IsNullOrEmpty(password) ? null : password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException)
        {
            // Whether a password was given, never the password.
            return Refused(string.IsNullOrEmpty(password)
                ? $"{settings}:ClientCertificatePath: {path} could not be opened as a PFX file with no password (not a PFX file, or set {settings}:ClientCertificatePassword)."
                : $"{settings}:ClientCertificatePath: {path} could not be opened as a PFX file with the password in {settings}:ClientCertificatePassword (a wrong password, or not a PFX file).");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Refused($"{settings}:ClientCertificatePath: {path} could not be read ({e.Message}).");
        }

        return Usable(certificate, $"{settings}:ClientCertificatePath ({path})");
    }

    private static ClientCertificate Usable(X509Certificate2 certificate, string what)
    {
        string? problem = null;
        using (var key = certificate.GetRSAPrivateKey())
        {
            if (!certificate.HasPrivateKey)
            {
                problem = $"{what}: the certificate has no private key. Use the PFX file exported with its private key.";
            }
            else if (key is null)
            {
                problem = $"{what}: the certificate's key is not RSA. Entra ID takes client assertions signed with RSA keys.";
            }
            else if (certificate.NotAfter.ToUniversalTime() < DateTime.UtcNow)
            {
                problem = $"{what}: the certificate expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}. Upload a new one to the app registration and configure it here.";
            }
        }

        if (problem is null)
        {
            return new ClientCertificate(certificate, null);
        }

        certificate.Dispose();
        return Refused(problem);
    }

    private static ClientCertificate Refused(string problem) => new(null, problem);
}
