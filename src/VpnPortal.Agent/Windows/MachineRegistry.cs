using System.Runtime.Versioning;
using Microsoft.Win32;

namespace VpnPortal.Agent.Windows;

/// <summary>
/// Read access to HKEY_LOCAL_MACHINE. Values come back as the registry API gives them: <c>int</c> for REG_DWORD,
/// <c>long</c> for REG_QWORD, <c>byte[]</c> for REG_BINARY, <c>string</c> for REG_SZ/REG_EXPAND_SZ, <c>string[]</c> for
/// REG_MULTI_SZ; null when the key or value is absent.
/// </summary>
public interface IMachineRegistry
{
    object? GetValue(string keyPath, string valueName);

    /// <summary>The names of the subkeys; empty when the key is absent.</summary>
    IReadOnlyList<string> SubKeyNames(string keyPath);
}

[SupportedOSPlatform("windows")]
public sealed class WindowsMachineRegistry : IMachineRegistry
{
    public object? GetValue(string keyPath, string valueName)
    {
        using var key = Registry.LocalMachine.OpenSubKey(keyPath, writable: false);

        // DoNotExpandEnvironmentNames: paths are compared as stored, not as this process would expand them.
        return key?.GetValue(valueName, null, RegistryValueOptions.DoNotExpandEnvironmentNames);
    }

    public IReadOnlyList<string> SubKeyNames(string keyPath)
    {
        using var key = Registry.LocalMachine.OpenSubKey(keyPath, writable: false);
        return key?.GetSubKeyNames() ?? [];
    }
}
