namespace VpnPortal.Domain.Certificates;

/// <summary>A server in an SSTP certificate rollout: its name, and the public FQDN clients dial to reach it.</summary>
public sealed record SstpRolloutServer(string ServerName, string? PublicFqdn);

/// <summary>
/// Whether a certificate an administrator uploaded may become the SSTP certificate of the servers in a rollout, checked
/// before anything is deployed. Refusals (<see cref="FitnessVerdict.Reasons"/>) are the SSTP listener's own rules
/// (<see cref="CertificateFitness.Sstp"/>) plus: every server's public FQDN is covered by the certificate's names. Warnings
/// say what may still go wrong: a wildcard name that clients must be set up for, an RSA key under
/// <see cref="MinimumRsaKeyBits"/> bits, a validity that ends within <see cref="CertificateExpiry.SoonDays"/> days, no CRL
/// distribution point. Each is a clause ("it does not cover ...") to list under "This certificate cannot be used:".
/// </summary>
public static class SstpRotationCheck
{
    /// <summary>RSA keys shorter than this are warned about.</summary>
    public const int MinimumRsaKeyBits = 2048;

    /// <summary>Checks <paramref name="certificate"/> against the servers of the rollout at <paramref name="now"/>.</summary>
    public static FitnessVerdict Evaluate(CertificateFacts certificate, IReadOnlyCollection<SstpRolloutServer> servers, DateTimeOffset now)
    {
        var listener = CertificateFitness.Sstp(certificate, now);
        var reasons = listener.Reasons.ToList();
        var warnings = listener.Warnings.ToList();

        if (servers.Count == 0)
        {
            reasons.Add("no server is chosen for the rollout, so there is no public name to check it against");
        }

        foreach (var server in servers.Where(s => string.IsNullOrWhiteSpace(s.PublicFqdn)))
        {
            reasons.Add($"{server.ServerName} has no public name recorded, so there is no name to check it against (set the server's public FQDN first)");
        }

        var wildcardMatches = new List<(HostNameMatch Match, string Servers)>();
        foreach (var group in servers.Where(s => !string.IsNullOrWhiteSpace(s.PublicFqdn)).GroupBy(s => Fqdn(s.PublicFqdn!), StringComparer.OrdinalIgnoreCase))
        {
            var serverNames = JoinNames(group.Select(s => s.ServerName).Distinct(StringComparer.OrdinalIgnoreCase).ToList());
            var match = CertificateHostNames.Match(certificate, group.Key);
            if (match is null)
            {
                reasons.Add($"it does not cover {group.Key}, the public name of {serverNames} ({NamesClause(certificate, group.Key)})");
            }
            else if (match.ByWildcard)
            {
                wildcardMatches.Add((match, serverNames));
            }
        }

        if (wildcardMatches.Count > 0)
        {
            var covered = JoinNames(wildcardMatches.Select(w => $"{w.Match.HostName} ({w.Servers})").ToList());
            var patterns = JoinNames(wildcardMatches.Select(w => w.Match.CertificateName).Distinct(StringComparer.OrdinalIgnoreCase).ToList());
            warnings.Add(
                $"it is a wildcard certificate ({patterns} covers {covered}): Windows clients refuse it with \"the certificate on the server computer " +
                "does not have a server name specified\" unless their VPN connection uses EAP-MSCHAPv2 with \"Require encryption\"");
        }

        if (string.Equals(certificate.KeyAlgorithm, "RSA", StringComparison.OrdinalIgnoreCase) && certificate.KeySize is > 0 and < MinimumRsaKeyBits)
        {
            warnings.Add($"its RSA key is {certificate.KeySize} bits, below the {MinimumRsaKeyBits}-bit minimum: current clients may refuse it; ask for a certificate with a {MinimumRsaKeyBits}-bit or longer key");
        }

        return new FitnessVerdict(reasons.Count == 0, reasons, warnings);
    }

    // What the certificate names instead, so the person sees the mismatch without opening the file.
    private static string NamesClause(CertificateFacts certificate, string fqdn)
    {
        var presented = CertificateHostNames.PresentedNames(certificate);
        if (presented.Count == 0)
        {
            return "it names no host: neither its subject CN nor a DNS Subject Alternative Name";
        }

        var issuedFor = $"it is issued for {JoinNames(presented)}";
        if (certificate.SubjectCommonName is { } cn && CertificateHostNames.Matches(cn, fqdn))
        {
            // The CN covers it, but there are SANs: the mistake people make when a CA template drops the CN from the SANs.
            return $"{issuedFor} only: its subject CN {cn.Trim()} does not count, because clients read only the DNS Subject Alternative Names when there are any";
        }

        return issuedFor;
    }

    private static string Fqdn(string name)
    {
        var trimmed = name.Trim();
        return trimmed.EndsWith('.') ? trimmed[..^1] : trimmed;
    }

    private static string JoinNames(IReadOnlyList<string> names) => names.Count switch
    {
        0 => "",
        1 => names[0],
        _ => string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1],
    };
}
