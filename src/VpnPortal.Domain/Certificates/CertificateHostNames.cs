using System.Net;

namespace VpnPortal.Domain.Certificates;

/// <summary>How a certificate covers a host name a client dials: the name that matched, and whether it was a wildcard.</summary>
public sealed record HostNameMatch(string HostName, string CertificateName, bool ByWildcard);

/// <summary>
/// Whether a TLS server certificate covers the host name clients dial (for SSTP, the server's public FQDN), by the rules
/// Windows clients and current browsers apply:
/// <list type="bullet">
/// <item>When the certificate has DNS names in its Subject Alternative Name extension, only those count and the subject's
/// CN is ignored; the CN is read only when there are no DNS SANs.</item>
/// <item>Names compare case-insensitively (ASCII; internationalised names compare in the A-label "xn--" form certificates
/// carry), and one trailing dot ("vpn.corp.example.") is ignored on either side.</item>
/// <item>A wildcard is only a whole left-most label ("*.corp.example") and stands for exactly one non-empty label: it covers
/// vpn.corp.example, not corp.example nor a.vpn.corp.example. Partial-label wildcards ("vpn*.corp.example") and wildcards
/// elsewhere ("vpn.*.example") cover nothing.</item>
/// <item>A wildcard needs at least two labels after it, so "*.com" or "*.example" covers nothing. There is no public suffix
/// list here, so "*.co.uk" would pass this rule; public CAs do not issue such names and a private CA should not.</item>
/// <item>A wildcard never covers an IP address.</item>
/// </list>
/// </summary>
public static class CertificateHostNames
{
    /// <summary>How a DNS name is written among a certificate's stored subject alternative names ("DNS:vpn.corp.example").</summary>
    public const string DnsPrefix = "DNS:";

    /// <summary>The DNS names among subject alternative names stored as "DNS:name" (other kinds, "IP:" and so on, are left out).</summary>
    public static IReadOnlyList<string> DnsNames(IEnumerable<string> subjectAlternativeNames) =>
        subjectAlternativeNames.Where(n => n.StartsWith(DnsPrefix, StringComparison.Ordinal)).Select(n => n[DnsPrefix.Length..]).ToList();

    /// <summary>The names clients compare against: the DNS SANs when there are any, otherwise the subject CN (if any).</summary>
    public static IReadOnlyList<string> PresentedNames(string? subjectCommonName, IReadOnlyCollection<string> dnsNames)
    {
        var sans = dnsNames.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToList();
        if (sans.Count > 0)
        {
            return sans;
        }

        return string.IsNullOrWhiteSpace(subjectCommonName) ? [] : [subjectCommonName.Trim()];
    }

    /// <summary>The names of <paramref name="certificate"/> that clients compare against (see <see cref="PresentedNames(string?, IReadOnlyCollection{string})"/>).</summary>
    public static IReadOnlyList<string> PresentedNames(CertificateFacts certificate) =>
        PresentedNames(certificate.SubjectCommonName, certificate.DnsNames);

    /// <summary>How the certificate covers <paramref name="hostName"/>, preferring an exact name over a wildcard; null when it does not.</summary>
    public static HostNameMatch? Match(string? subjectCommonName, IReadOnlyCollection<string> dnsNames, string hostName)
    {
        var names = PresentedNames(subjectCommonName, dnsNames);
        var exact = names.FirstOrDefault(n => !IsWildcard(n) && Matches(n, hostName));
        if (exact is not null)
        {
            return new HostNameMatch(hostName, exact, ByWildcard: false);
        }

        var wildcard = names.FirstOrDefault(n => IsWildcard(n) && Matches(n, hostName));
        return wildcard is null ? null : new HostNameMatch(hostName, wildcard, ByWildcard: true);
    }

    /// <summary>How <paramref name="certificate"/> covers <paramref name="hostName"/>; null when it does not.</summary>
    public static HostNameMatch? Match(CertificateFacts certificate, string hostName) =>
        Match(certificate.SubjectCommonName, certificate.DnsNames, hostName);

    /// <summary>True when a certificate with this subject CN and these DNS SANs covers <paramref name="hostName"/>.</summary>
    public static bool Covers(string? subjectCommonName, IReadOnlyCollection<string> dnsNames, string hostName) =>
        Match(subjectCommonName, dnsNames, hostName) is not null;

    /// <summary>True when the name starts with a "*" label (whether or not the rest makes it a usable wildcard).</summary>
    public static bool IsWildcard(string certificateName) => Normalise(certificateName).StartsWith("*.", StringComparison.Ordinal);

    /// <summary>True when one certificate name (exact or wildcard) covers <paramref name="hostName"/>.</summary>
    public static bool Matches(string certificateName, string hostName)
    {
        var pattern = Normalise(certificateName);
        var host = Normalise(hostName);
        if (!IsHostName(host))
        {
            return false;
        }

        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
        }

        if (!pattern.StartsWith("*.", StringComparison.Ordinal) || IPAddress.TryParse(host, out _))
        {
            return false;
        }

        var suffix = pattern[2..];
        if (!IsHostName(suffix) || suffix.Split('.').Length < 2)
        {
            return false;
        }

        var firstDot = host.IndexOf('.', StringComparison.Ordinal);
        return firstDot > 0 && string.Equals(host[(firstDot + 1)..], suffix, StringComparison.OrdinalIgnoreCase);
    }

    private static string Normalise(string name)
    {
        var trimmed = name.Trim();
        return trimmed.EndsWith('.') ? trimmed[..^1] : trimmed;
    }

    // Non-empty labels and no wildcard: what a client can dial.
    private static bool IsHostName(string name) =>
        name.Length > 0 && !name.Contains('*', StringComparison.Ordinal) && name.Split('.').All(label => label.Length > 0 && !label.Any(char.IsWhiteSpace));
}
