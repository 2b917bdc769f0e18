using VpnPortal.Agent.Parsing;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Windows;

/// <summary>
/// The RRAS settings the agent reads from the registry. Value names and types: <c>ListenerPort</c>, <c>UseHttps</c> and
/// <c>isHashConfiguredByAdmin</c> are REG_DWORD, <c>SHA256CertificateHash</c> is a 32-byte REG_BINARY (sstpsvc.dll refuses
/// any other type or length), as the community Enable-SSTPOffload script writes them and sstpsvc reads them.
/// </summary>
public static class RrasRegistry
{
    public const string SstpParametersKey = @"SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters";
    public const string Ikev2Key = @"SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\Ikev2";
    public const int DefaultListenerPort = 443;
    public const string Sha256CertificateHash = "SHA256CertificateHash";
    public const string HashConfiguredByAdmin = "isHashConfiguredByAdmin";

    public static SstpParameters ReadSstp(IMachineRegistry registry)
    {
        var source = @"HKLM\" + SstpParametersKey;

        // A fresh install carries ListenerPort = 0, which sstpsvc takes as "the default port".
        var port = Dword(registry, SstpParametersKey, "ListenerPort", source) is { } p and not 0 ? p : DefaultListenerPort;
        if (port is < 1 or > 65535)
        {
            throw new OutputFormatException(source, $"{port} is not a TCP port", field: "ListenerPort");
        }

        string? sha256 = null;
        switch (registry.GetValue(SstpParametersKey, Sha256CertificateHash))
        {
            case null:
                break;
            case byte[] { Length: 32 } hash:
                sha256 = Convert.ToHexString(hash);
                break;
            case byte[] other:
                throw new OutputFormatException(source, $"the hash is {other.Length} bytes, a SHA-256 hash is 32 (sstpsvc ignores it too)", field: "SHA256CertificateHash");
            case var other:
                throw new OutputFormatException(source, $"expected REG_BINARY, found {other.GetType().Name} (sstpsvc ignores it too)", field: "SHA256CertificateHash");
        }

        return new SstpParameters
        {
            ListenerPort = port,
            // Absent means HTTPS: "Use HTTP" (TLS offload) is the exception an administrator sets.
            UseHttps = (Dword(registry, SstpParametersKey, "UseHttps", source) ?? 1) != 0,
            Sha256CertificateHash = sha256,
            Sha256CertificateHashSetByAdmin = (Dword(registry, SstpParametersKey, HashConfiguredByAdmin, source) ?? 0) != 0,
        };
    }

    /// <summary>
    /// Sets <c>SHA256CertificateHash</c> (upper-case hex in, 32 bytes out) and <c>isHashConfiguredByAdmin</c> = 1, as the
    /// Enable-SSTPOffload script does: the flag tells sstpsvc the hash is the administrator's (the load balancer's
    /// certificate), so it keeps it at start instead of recording its own certificate's hash over it. The hash is written
    /// first, so a failure in between leaves at worst an unflagged hash, never a flag over the old one. Returns false when
    /// both were already so and nothing was written.
    /// </summary>
    public static bool WriteOffloadHash(IMachineRegistry registry, string sha256)
    {
        var hash = Convert.FromHexString(sha256);
        if (hash.Length != 32)
        {
            throw new ArgumentException($"A SHA-256 hash is 32 bytes, not {hash.Length}.", nameof(sha256));
        }

        if (registry.GetValue(SstpParametersKey, Sha256CertificateHash) is byte[] current && current.AsSpan().SequenceEqual(hash)
            && registry.GetValue(SstpParametersKey, HashConfiguredByAdmin) is 1)
        {
            return false;
        }

        registry.SetValue(SstpParametersKey, Sha256CertificateHash, hash);
        registry.SetValue(SstpParametersKey, HashConfiguredByAdmin, 1);
        return true;
    }

    /// <summary>
    /// Removes <c>SHA256CertificateHash</c> and <c>isHashConfiguredByAdmin</c> (as sstpsvc does when it clears its hash);
    /// false when neither was there.
    /// </summary>
    public static bool ClearOffloadHash(IMachineRegistry registry)
    {
        var hash = registry.DeleteValue(SstpParametersKey, Sha256CertificateHash);
        var flag = registry.DeleteValue(SstpParametersKey, HashConfiguredByAdmin);
        return hash || flag;
    }

    /// <summary><c>EnableServerFragmentation</c> (Server 1803+); null when absent.</summary>
    public static bool? ReadIkev2Fragmentation(IMachineRegistry registry) =>
        Dword(registry, Ikev2Key, "EnableServerFragmentation", @"HKLM\" + Ikev2Key) is { } value ? value != 0 : null;

    private static int? Dword(IMachineRegistry registry, string key, string name, string source) => registry.GetValue(key, name) switch
    {
        null => null,
        int value => value,
        var other => throw new OutputFormatException(source, $"expected REG_DWORD, found {other.GetType().Name}", field: name),
    };
}
