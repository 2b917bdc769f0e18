using VpnPortal.Data.Entities;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.Features.Servers.Live;

/// <summary>
/// The SSTP listener's two HTTP.sys bindings set side by side with the certificate RRAS is configured to use, and
/// the plain differences between them. Only what is visible in the reported values: the diagnostics that explain
/// causes and fixes are a separate concern.
/// </summary>
public sealed record SstpBindingComparison(
    int Port, SstpBinding? IPv4, SstpBinding? IPv6, string? ConfiguredSha1, IReadOnlyList<SstpBinding> Others, IReadOnlyList<string> Differences)
{
    public static string IPv4Address(int port) => $"0.0.0.0:{port}";

    public static string IPv6Address(int port) => $"[::]:{port}";

    /// <summary>Compares the bindings on the reported listener port (else the port admins entered, else 443).</summary>
    public static SstpBindingComparison Of(RrasServer server, IReadOnlyList<SstpBinding> bindings)
    {
        var port = server.Sstp.ListenerPort ?? (server.SstpListenerPort > 0 ? server.SstpListenerPort : 443);
        var v4 = bindings.FirstOrDefault(b => string.Equals(b.IpPort.Trim(), IPv4Address(port), StringComparison.OrdinalIgnoreCase));
        var v6 = bindings.FirstOrDefault(b => string.Equals(b.IpPort.Trim(), IPv6Address(port), StringComparison.OrdinalIgnoreCase));
        var others = bindings.Where(b => b != v4 && b != v6).ToList();
        var configured = Thumbprints.Normalize(server.Sstp.ConfiguredCertificateSha1);
        var differences = new List<string>();

        if (v4 is null)
        {
            differences.Add($"No IPv4 binding on {IPv4Address(port)}.");
        }

        if (v6 is null)
        {
            differences.Add($"No IPv6 binding on {IPv6Address(port)}.");
        }

        var h4 = Hash(v4);
        var h6 = Hash(v6);
        if (v4 is not null && v6 is not null && h4 != h6)
        {
            differences.Add("The IPv4 and IPv6 bindings use different certificates.");
        }

        if (configured is not null)
        {
            if (v4 is not null && h4 != configured)
            {
                differences.Add("The IPv4 binding's certificate is not the one RRAS is configured to use for SSTP.");
            }

            if (v6 is not null && h6 != configured)
            {
                differences.Add("The IPv6 binding's certificate is not the one RRAS is configured to use for SSTP.");
            }
        }

        return new SstpBindingComparison(port, v4, v6, configured, others, differences);
    }

    /// <summary>
    /// Whether this binding is the odd one out: missing, or on another certificate than the configured one; with no
    /// configured certificate, on another certificate than the other binding.
    /// </summary>
    public bool Differs(SstpBinding? binding)
    {
        if (binding is null)
        {
            return true;
        }

        var hash = Hash(binding);
        if (ConfiguredSha1 is not null)
        {
            return hash != ConfiguredSha1;
        }

        var other = binding == IPv4 ? IPv6 : IPv4;
        return other is not null && Hash(other) != hash;
    }

    /// <summary>Whether the configured certificate differs from a binding (or nothing is bound at all).</summary>
    public bool ConfiguredDiffers =>
        ConfiguredSha1 is not null && new[] { IPv4, IPv6 }.Any(b => b is null || Hash(b) != ConfiguredSha1);

    private static string? Hash(SstpBinding? b) => b is null ? null : Thumbprints.Normalize(b.CertificateHash) ?? b.CertificateHash;
}
