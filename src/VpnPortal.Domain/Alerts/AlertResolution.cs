using VpnPortal.Domain.Certificates;

namespace VpnPortal.Domain.Alerts;

/// <summary>Why an alert resolved itself.</summary>
public enum AlertResolutionReason
{
    /// <summary>The certificate is in no watched store of any server any more (and nothing took its place).</summary>
    NoLongerInstalled = 1,

    /// <summary>A newer certificate with the same name took its place (e.g. an SSTP rollout).</summary>
    Replaced = 2,

    /// <summary>No threshold applies any more (its purposes or the thresholds changed).</summary>
    NoLongerDue = 3,

    /// <summary>A diagnostics finding's alert: the finding resolved.</summary>
    FindingResolved = 4,
}

/// <summary>One store of one server (or the portal itself: <see cref="WatchedStore.Portal"/> with no server).</summary>
public readonly record struct Placement(Guid? ServerId, WatchedStore Store);

/// <summary>A certificate as resolution compares it: its names, its end, and where it is installed with which purposes.</summary>
public sealed record PlacedCertificate(
    string Sha1Thumbprint,
    string? SubjectCommonName,
    IReadOnlyList<string> DnsNames,
    DateTimeOffset NotAfter,
    IReadOnlyDictionary<Placement, CertificatePurpose[]> Placements);

public sealed record Resolution(AlertResolutionReason Reason, string? ReplacedBySha1);

public static class AlertResolution
{
    /// <summary>Purposes that name one certificate explicitly: while the server is set to use it, a newer one beside it has not replaced it.</summary>
    private static readonly CertificatePurpose[] InUse = [CertificatePurpose.Sstp, CertificatePurpose.MfaExtension];

    /// <summary>
    /// Whether an alert on <paramref name="alerted"/> resolves: replaced when every place it is still installed (or, once
    /// gone, any place it was: <paramref name="previousPlacements"/>) holds a successor (same subject CN or a shared DNS
    /// name, later expiry) and no server is still set to use it there; no longer installed when it is gone without a
    /// successor. Null while the alert stands.
    /// </summary>
    public static Resolution? Evaluate(PlacedCertificate alerted, IReadOnlyCollection<Placement> previousPlacements, IEnumerable<PlacedCertificate> others)
    {
        var successors = others.Where(o => IsSuccessor(alerted, o)).ToList();
        if (alerted.Placements.Count == 0)
        {
            var successor = successors.FirstOrDefault(s => previousPlacements.Any(s.Placements.ContainsKey));
            return successor is null
                ? new Resolution(AlertResolutionReason.NoLongerInstalled, null)
                : new Resolution(AlertResolutionReason.Replaced, successor.Sha1Thumbprint);
        }

        if (alerted.Placements.Values.Any(purposes => purposes.Any(InUse.Contains)))
        {
            return null;
        }

        PlacedCertificate? by = null;
        foreach (var placement in alerted.Placements.Keys)
        {
            var here = successors.Where(s => s.Placements.ContainsKey(placement)).MaxBy(s => s.NotAfter);
            if (here is null)
            {
                return null;
            }

            by ??= here;
        }

        return new Resolution(AlertResolutionReason.Replaced, by!.Sha1Thumbprint);
    }

    /// <summary>The longest name the successor index keeps (a DNS name's limit); longer ones are cut, which only ever widens a match.</summary>
    public const int MaxNameKeyLength = 253;

    /// <summary>
    /// The names a successor is found by (<see cref="IsSuccessor"/>: a shared presented name or the same subject CN), as
    /// index keys: trimmed, upper-case (as OrdinalIgnoreCase compares), distinct. Any successor shares at least one key with the certificate it follows.
    /// </summary>
    public static IReadOnlyList<string> NameKeys(string? subjectCommonName, IReadOnlyCollection<string> dnsNames) =>
        CertificateHostNames.PresentedNames(subjectCommonName, dnsNames)
            .Append(subjectCommonName ?? "")
            .Select(n => n.Trim().ToUpperInvariant())
            .Select(n => n.Length <= MaxNameKeyLength ? n : n[..MaxNameKeyLength])
            .Where(n => n.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The name keys of a certificate as stored: its subject distinguished name and its subject alternative names in
    /// the form "DNS:name" (other kinds, such as "IP:" or "UPN:", are not names a successor is matched by).
    /// </summary>
    public static IReadOnlyList<string> NameKeysOf(string subject, IEnumerable<string> subjectAlternativeNames) =>
        NameKeys(DistinguishedNames.CommonName(subject), CertificateHostNames.DnsNames(subjectAlternativeNames));

    /// <summary>A different certificate for the same name that lasts longer.</summary>
    public static bool IsSuccessor(PlacedCertificate alerted, PlacedCertificate candidate)
    {
        if (string.Equals(alerted.Sha1Thumbprint, candidate.Sha1Thumbprint, StringComparison.OrdinalIgnoreCase) || candidate.NotAfter <= alerted.NotAfter)
        {
            return false;
        }

        var names = CertificateHostNames.PresentedNames(alerted.SubjectCommonName, alerted.DnsNames);
        var theirs = CertificateHostNames.PresentedNames(candidate.SubjectCommonName, candidate.DnsNames);
        return names.Count > 0 && names.Any(n => theirs.Contains(n, StringComparer.OrdinalIgnoreCase))
            || !string.IsNullOrWhiteSpace(alerted.SubjectCommonName)
            && string.Equals(alerted.SubjectCommonName, candidate.SubjectCommonName, StringComparison.OrdinalIgnoreCase);
    }

    public static string Describe(AlertResolutionReason reason) => reason switch
    {
        AlertResolutionReason.NoLongerInstalled => "No longer installed on any server",
        AlertResolutionReason.Replaced => "Replaced by a newer certificate",
        AlertResolutionReason.NoLongerDue => "No threshold applies any more",
        AlertResolutionReason.FindingResolved => "The finding resolved",
        _ => reason.ToString(),
    };
}
