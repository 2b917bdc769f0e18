using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VpnPortal.Agent.Parsing;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Windows;

/// <summary>The Local Computer certificate stores the agent reports and changes. Callers dispose what they get.</summary>
public interface IMachineCertificateStores
{
    IReadOnlyList<X509Certificate2> Read(CertificateStoreKind store);

    void Add(CertificateStoreKind store, X509Certificate2 certificate);

    /// <summary>False when no certificate with that SHA-1 thumbprint was there.</summary>
    bool Remove(CertificateStoreKind store, string sha1Thumbprint);
}

/// <summary>
/// Local Computer stores through X509Store, and the enterprise NTAuth store (which X509Store cannot open) read-only from
/// its registry copy.
/// </summary>
public sealed class LocalMachineCertificateStores(IMachineRegistry registry) : IMachineCertificateStores
{
    public const string NtAuthKey = @"SOFTWARE\Microsoft\EnterpriseCertificates\NTAuth\Certificates";

    public IReadOnlyList<X509Certificate2> Read(CertificateStoreKind store)
    {
        if (store == CertificateStoreKind.NTAuth)
        {
            return ReadNtAuth(registry);
        }

        using var x509 = Open(store, OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        return x509.Certificates.Cast<X509Certificate2>().ToList();
    }

    public void Add(CertificateStoreKind store, X509Certificate2 certificate)
    {
        using var x509 = Open(store, OpenFlags.ReadWrite);
        x509.Add(certificate);
    }

    public bool Remove(CertificateStoreKind store, string sha1Thumbprint)
    {
        using var x509 = Open(store, OpenFlags.ReadWrite);
        var found = x509.Certificates.Find(X509FindType.FindByThumbprint, sha1Thumbprint, validOnly: false);
        try
        {
            foreach (var certificate in found)
            {
                x509.Remove(certificate);
            }

            return found.Count > 0;
        }
        finally
        {
            foreach (var certificate in found)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>
    /// Each subkey of the NTAuth key is named by a certificate's SHA-1 and holds its serialized element in <c>Blob</c>. A
    /// blob that does not decode, or whose certificate does not hash to its key's name, is an error, not a gap in the list.
    /// </summary>
    public static IReadOnlyList<X509Certificate2> ReadNtAuth(IMachineRegistry registry)
    {
        var certificates = new List<X509Certificate2>();
        foreach (var name in registry.SubKeyNames(NtAuthKey))
        {
            var source = $@"HKLM\{NtAuthKey}\{name}";
            var blob = registry.GetValue($@"{NtAuthKey}\{name}", "Blob") as byte[]
                ?? throw new OutputFormatException(source, "has no REG_BINARY value 'Blob'", field: "Blob");
            var der = SerializedCertificateBlob.ExtractCertificate(blob, source);
            if (!Convert.ToHexString(SHA1.HashData(der)).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                throw new OutputFormatException(source, "the certificate in the blob does not hash to the key's name", field: "Blob");
            }

            certificates.Add(X509CertificateLoader.LoadCertificate(der));
        }

        return certificates;
    }

    private static X509Store Open(CertificateStoreKind store, OpenFlags flags)
    {
        var name = store switch
        {
            CertificateStoreKind.My => StoreName.My,
            CertificateStoreKind.Disallowed => StoreName.Disallowed,
            CertificateStoreKind.Root => StoreName.Root,
            CertificateStoreKind.CA => StoreName.CertificateAuthority,
            _ => throw new InvalidOperationException($"The {store} store is not a Local Computer store X509Store can open."),
        };
        var x509 = new X509Store(name, StoreLocation.LocalMachine);
        x509.Open(flags);
        return x509;
    }
}
