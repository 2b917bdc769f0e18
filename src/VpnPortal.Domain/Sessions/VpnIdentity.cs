using VpnPortal.Domain.Naming;

namespace VpnPortal.Domain.Sessions;

public enum VpnIdentityKind
{
    /// <summary>A user by UPN: <c>user@corp.example</c>.</summary>
    UserPrincipalName = 1,

    /// <summary>A user by down-level name: <c>CORP\user</c>.</summary>
    DownLevelName = 2,

    /// <summary>A device tunnel, by the device's FQDN: <c>LT-4821.corp.example</c>.</summary>
    Device = 3,
}

/// <summary>
/// Who an admin wants off the VPN, as RRAS names connections: a UPN, a down-level name, or a device FQDN (device
/// tunnels carry the computer's FQDN as the user name). Matching ignores case and compares with every name RRAS
/// reported for a connection, which often lists both the down-level name and the UPN.
/// </summary>
public sealed record VpnIdentity(VpnIdentityKind Kind, string Name)
{
    public const int MaxLength = 256;

    /// <summary>The identity, or an explanation for a person of what is wrong with the text.</summary>
    public static (VpnIdentity? Identity, string? Error) Parse(string? text)
    {
        var name = text?.Trim() ?? "";
        if (name.Length == 0)
        {
            return (null, "Enter a user (user@corp.example or CORP\\user) or a device (its FQDN, e.g. LT-4821.corp.example).");
        }

        if (name.Length > MaxLength || name.Any(char.IsControl))
        {
            return (null, $"A user or device name has at most {MaxLength} printable characters.");
        }

        if (name.Contains('\\'))
        {
            var parts = name.Split('\\');
            return parts.Length == 2 && parts[0].Length is > 0 and <= 15 && parts[1].Length > 0 && !parts[1].Contains('@') && !parts.Any(p => p.Any(char.IsWhiteSpace))
                ? (new VpnIdentity(VpnIdentityKind.DownLevelName, name), null)
                : (null, "A down-level name is DOMAIN\\user: one backslash, a domain of at most 15 characters, no spaces.");
        }

        if (name.Contains('@'))
        {
            var at = name.IndexOf('@');
            var domain = name[(at + 1)..];
            return at > 0 && name.Count(c => c == '@') == 1 && !name.Any(char.IsWhiteSpace) && HostNames.ValidateFqdn(domain) is null
                ? (new VpnIdentity(VpnIdentityKind.UserPrincipalName, name), null)
                : (null, "A user principal name is user@domain, e.g. ana@corp.example, without spaces.");
        }

        return HostNames.ValidateFqdn(name, "A device name") is { } fqdnError
            ? (null, fqdnError + " Users are entered as user@corp.example or CORP\\user; devices by their FQDN.")
            : (new VpnIdentity(VpnIdentityKind.Device, name), null);
    }

    /// <summary>Whether a connection reported under these names is this identity.</summary>
    public bool Matches(IEnumerable<string> connectionNames) =>
        connectionNames.Any(n => string.Equals(n.Trim(), Name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The name to give Disconnect-VpnUser on a server: the connection's own spelling of this identity, which is what
    /// RRAS compares with.
    /// </summary>
    public string NameAsReported(IEnumerable<string> connectionNames) =>
        connectionNames.Select(n => n.Trim()).FirstOrDefault(n => string.Equals(n, Name, StringComparison.OrdinalIgnoreCase)) ?? Name;
}
