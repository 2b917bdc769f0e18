using System.Runtime.Versioning;
using Microsoft.Win32;

namespace VpnPortal.Agent.Windows;

/// <summary>
/// Access to HKEY_LOCAL_MACHINE. Values come back as the registry API gives them: <c>int</c> for REG_DWORD,
/// <c>long</c> for REG_QWORD, <c>byte[]</c> for REG_BINARY, <c>string</c> for REG_SZ/REG_EXPAND_SZ, <c>string[]</c> for
/// REG_MULTI_SZ; null when the key or value is absent. Writes take the same types.
/// </summary>
public interface IMachineRegistry
{
    object? GetValue(string keyPath, string valueName);

    /// <summary>The names of the subkeys; empty when the key is absent.</summary>
    IReadOnlyList<string> SubKeyNames(string keyPath);

    /// <summary>
    /// Writes a value into an existing key: <c>byte[]</c> as REG_BINARY, <c>int</c> as REG_DWORD, <c>string</c> as REG_SZ.
    /// Throws <see cref="IOException"/> when the key is absent: the agent changes settings of installed services, and a
    /// key it would have to create means the service is not there.
    /// </summary>
    void SetValue(string keyPath, string valueName, object value);

    /// <summary>Deletes a value; false when it (or its key) was not there.</summary>
    bool DeleteValue(string keyPath, string valueName);
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

    public void SetValue(string keyPath, string valueName, object value)
    {
        var kind = value switch
        {
            byte[] => RegistryValueKind.Binary,
            int => RegistryValueKind.DWord,
            string => RegistryValueKind.String,
            _ => throw new ArgumentException($"A {value.GetType().Name} has no registry type here; write byte[], int or string.", nameof(value)),
        };
        using var key = Registry.LocalMachine.OpenSubKey(keyPath, writable: true) ?? throw new IOException($@"HKLM\{keyPath} does not exist.");
        key.SetValue(valueName, value, kind);
    }

    public bool DeleteValue(string keyPath, string valueName)
    {
        using var key = Registry.LocalMachine.OpenSubKey(keyPath, writable: true);
        if (key is null || !key.GetValueNames().Contains(valueName, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        key.DeleteValue(valueName);
        return true;
    }
}
