using VpnPortal.Domain.Naming;

namespace VpnPortal.Agent.Hosting;

/// <summary>
/// Certificate hashes as commands carry them, in the one form both hosts compare: upper-case hex without separators.
/// Anything else is refused with a message for people, before the command touches the server.
/// </summary>
internal static class CommandHashes
{
    /// <summary>A SHA-1 thumbprint (what stores and HTTP.sys bindings are keyed by).</summary>
    public static string Sha1(string? value) => Require(value, 40, "SHA-1 thumbprint");

    /// <summary>A SHA-256 hash (what SSTP's <c>SHA256CertificateHash</c> holds).</summary>
    public static string Sha256(string? value) => Require(value, 64, "SHA-256 hash");

    private static string Require(string? value, int hexDigits, string what)
    {
        var normalized = Thumbprints.Normalize(value);
        if (normalized is { Length: var length } && length == hexDigits)
        {
            return normalized;
        }

        var shown = (value ?? "").Trim();
        throw new CommandFailedException($"'{(shown.Length > 70 ? shown[..67] + "..." : shown)}' is not a {what} ({hexDigits} hex digits).");
    }
}
