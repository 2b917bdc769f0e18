using System.Globalization;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Domain.Diagnostics;

/// <summary>
/// Whether the SSTP certificate in use (the configured one, else the bound one) fits what clients dial and check: the
/// public names, wildcard use, validity and revocation. Silent when the server did not report that certificate (the SSTP
/// rules say so) or when TLS ends on the load balancer with RRAS on plain HTTP.
/// </summary>
public static class CertificateRules
{
    private const string Area = "Certificates";

    /// <summary>A public name clients dial is not among the certificate's names.</summary>
    public static readonly DiagnosticRule NameMismatch = new("cert.name-mismatch", Area, "SSTP certificate does not cover a public name", EvaluateNameMismatch);

    /// <summary>A public name is covered only by a wildcard, which clients must be set up for.</summary>
    public static readonly DiagnosticRule Wildcard = new("cert.wildcard", Area, "SSTP certificate is a wildcard", EvaluateWildcard);

    /// <summary>The certificate has expired.</summary>
    public static readonly DiagnosticRule Expired = new("cert.expired", Area, "SSTP certificate has expired", EvaluateExpired);

    /// <summary>The certificate's validity has not started yet (issued with a future start, or the server's clock is behind).</summary>
    public static readonly DiagnosticRule NotYetValid = new("cert.not-yet-valid", Area, "SSTP certificate is not valid yet", EvaluateNotYetValid);

    /// <summary>The certificate expires within the fleet's largest alert threshold.</summary>
    public static readonly DiagnosticRule Expiring = new("cert.expiring", Area, "SSTP certificate expires soon", EvaluateExpiring);

    /// <summary>The certificate has no CRL distribution point, so clients cannot check its revocation.</summary>
    public static readonly DiagnosticRule NoCrl = new("cert.no-crl", Area, "SSTP certificate has no CRL distribution point", EvaluateNoCrl);

    /// <summary>Every certificate rule.</summary>
    public static IReadOnlyList<DiagnosticRule> Rules { get; } = [NameMismatch, Wildcard, Expired, NotYetValid, Expiring, NoCrl];

    private static StoredCertificate? InUse(ServerFacts server, FleetFacts fleet)
    {
        if (!SstpRules.Applies(server))
        {
            return null;
        }

        var sstp = SstpListenerFacts.Of(server, fleet);
        return sstp.ListensWithTls ? sstp.InUse : null;
    }

    private static IEnumerable<Finding> EvaluateNameMismatch(ServerFacts server, FleetFacts fleet)
    {
        if (InUse(server, fleet) is not { } certificate || server.PublicFqdns.Count == 0)
        {
            return [];
        }

        List<Finding>? findings = null;
        foreach (var fqdn in server.PublicFqdns)
        {
            if (string.IsNullOrWhiteSpace(fqdn) || CertificateHostNames.Match(certificate.Facts, fqdn) is not null)
            {
                continue;
            }

            var name = fqdn.Trim();
            var presented = CertificateHostNames.PresentedNames(certificate.Facts);
            findings ??= [];
            findings.Add(new Finding(
                NameMismatch.Id,
                FindingSeverity.Critical,
                NameMismatch.Title,
                $"Clients dial {name}, but the SSTP certificate on {server.Name} is issued for {(presented.Count == 0 ? "no host name" : string.Join(", ", presented))}, so Windows refuses the connection.",
                [
                    new Evidence("Public name", name),
                    new Evidence("Certificate names", presented.Count == 0 ? "(none)" : string.Join(", ", presented)),
                    new Evidence("Subject", certificate.Subject),
                    new Evidence("DNS SANs", certificate.Facts.DnsNames.Count == 0 ? "(none)" : string.Join(", ", certificate.Facts.DnsNames)),
                    new Evidence("Certificate", certificate.Sha1Thumbprint),
                ],
                [
                    $"Request a Server Authentication certificate whose DNS Subject Alternative Names include {name} (clients ignore the subject CN when there are SANs).",
                    $"Import it with its private key into Local Computer\\Personal on {server.Name}: Import-PfxCertificate -FilePath <file.pfx> -CertStoreLocation Cert:\\LocalMachine\\My",
                    "Assign it to SSTP: Set-RemoteAccess -SslCertificate (Get-Item Cert:\\LocalMachine\\My\\<new-thumbprint>)",
                    "Restart-Service RemoteAccess",
                ],
                name.ToLowerInvariant()));
        }

        return findings ?? [];
    }

    private static IEnumerable<Finding> EvaluateWildcard(ServerFacts server, FleetFacts fleet)
    {
        if (InUse(server, fleet) is not { } certificate)
        {
            return [];
        }

        string? pattern = null;
        var covered = new List<string>();
        foreach (var fqdn in server.PublicFqdns)
        {
            if (!string.IsNullOrWhiteSpace(fqdn) && CertificateHostNames.Match(certificate.Facts, fqdn) is { ByWildcard: true } match)
            {
                pattern ??= match.CertificateName;
                covered.Add(match.HostName.Trim());
            }
        }

        if (pattern is null)
        {
            return [];
        }

        return
        [
            new Finding(
                Wildcard.Id,
                FindingSeverity.Info,
                Wildcard.Title,
                $"The SSTP certificate covers {string.Join(", ", covered)} only through the wildcard {pattern}, which Windows clients refuse (\"the certificate on the server computer does not have a server name specified\") unless their connection uses EAP-MSCHAPv2 with \"Require encryption\".",
                [
                    new Evidence("Wildcard name", pattern),
                    new Evidence("Public names", string.Join(", ", covered)),
                    new Evidence("Certificate", certificate.Sha1Thumbprint),
                ],
                [
                    "Set the clients' VPN profile to EAP-MSCHAPv2 with \"Require encryption\" (data encryption: Require), or",
                    $"replace the certificate with one that names {string.Join(", ", covered)} explicitly, then assign it: Set-RemoteAccess -SslCertificate (Get-Item Cert:\\LocalMachine\\My\\<new-thumbprint>)",
                ]),
        ];
    }

    private static IEnumerable<Finding> EvaluateExpired(ServerFacts server, FleetFacts fleet)
    {
        if (InUse(server, fleet) is not { } certificate || certificate.Facts.NotAfter >= fleet.Now)
        {
            return [];
        }

        return
        [
            new Finding(
                Expired.Id,
                FindingSeverity.Critical,
                Expired.Title,
                $"The SSTP certificate on {server.Name} expired on {certificate.Facts.NotAfter:yyyy-MM-dd}, so clients refuse every SSTP connection.",
                ExpiryEvidence(certificate, fleet),
                RenewSteps(server)),
        ];
    }

    private static IEnumerable<Finding> EvaluateNotYetValid(ServerFacts server, FleetFacts fleet)
    {
        if (InUse(server, fleet) is not { } certificate || certificate.Facts.NotBefore <= fleet.Now)
        {
            return [];
        }

        var from = certificate.Facts.NotBefore.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return
        [
            new Finding(
                NotYetValid.Id,
                FindingSeverity.Critical,
                NotYetValid.Title,
                $"The SSTP certificate on {server.Name} is valid only from {from}, so until then clients refuse it and every SSTP connection fails (a certificate assigned too early, or a clock that is wrong).",
                [
                    new("Certificate", certificate.Sha1Thumbprint),
                    new("Subject", certificate.Subject),
                    new("Not before", from),
                    new("Now", fleet.Now.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
                ],
                [
                    $"Check the clocks first: on {server.Name}, w32tm /query /status (a server whose clock is behind sees valid certificates as future ones).",
                    "Until the new certificate is valid, assign the previous one again: Set-RemoteAccess -SslCertificate (Get-Item Cert:\\LocalMachine\\My\\<previous-thumbprint>)",
                    "Restart-Service RemoteAccess",
                    $"Assign {certificate.Sha1Thumbprint} again after {from}, or roll it out then from the portal's SSTP certificate rotation.",
                ]),
        ];
    }

    private static IEnumerable<Finding> EvaluateExpiring(ServerFacts server, FleetFacts fleet)
    {
        if (InUse(server, fleet) is not { } certificate || certificate.Facts.NotAfter < fleet.Now)
        {
            return [];
        }

        var threshold = LargestThreshold(fleet);
        if (certificate.Facts.NotAfter >= fleet.Now.AddDays(threshold))
        {
            return [];
        }

        var daysLeft = (int)Math.Floor((certificate.Facts.NotAfter - fleet.Now).TotalDays);
        return
        [
            new Finding(
                Expiring.Id,
                FindingSeverity.Warning,
                Expiring.Title,
                $"The SSTP certificate on {server.Name} expires on {certificate.Facts.NotAfter:yyyy-MM-dd}, in {daysLeft} days; SSTP stops working then unless it is renewed.",
                [.. ExpiryEvidence(certificate, fleet), new Evidence("Days left", daysLeft.ToString(CultureInfo.InvariantCulture)), new Evidence("Alert threshold (days)", threshold.ToString(CultureInfo.InvariantCulture))],
                RenewSteps(server)),
        ];
    }

    private static IEnumerable<Finding> EvaluateNoCrl(ServerFacts server, FleetFacts fleet)
    {
        if (InUse(server, fleet) is not { } certificate || certificate.Facts.CrlDistributionPoints.Count > 0)
        {
            return [];
        }

        return
        [
            new Finding(
                NoCrl.Id,
                FindingSeverity.Warning,
                NoCrl.Title,
                "The SSTP certificate names no CRL distribution point, so clients (which check revocation for SSTP) cannot check it and may refuse to connect.",
                [
                    new Evidence("Certificate", certificate.Sha1Thumbprint),
                    new Evidence("Issuer", certificate.Issuer),
                    new Evidence("CRL distribution points", "(none)"),
                ],
                [
                    "Have the issuing CA publish a CRL distribution point (an HTTP URL reachable from clients) in the template or CA extensions, and issue a new certificate.",
                    "Assign the new certificate: Set-RemoteAccess -SslCertificate (Get-Item Cert:\\LocalMachine\\My\\<new-thumbprint>)",
                    "Restart-Service RemoteAccess",
                ]),
        ];
    }

    private static int LargestThreshold(FleetFacts fleet)
    {
        var largest = 0;
        foreach (var days in fleet.ExpiryThresholdDays)
        {
            largest = Math.Max(largest, days);
        }

        return largest > 0 ? largest : CertificateExpiry.SoonDays;
    }

    private static List<Evidence> ExpiryEvidence(StoredCertificate certificate, FleetFacts fleet) =>
    [
        new("Certificate", certificate.Sha1Thumbprint),
        new("Subject", certificate.Subject),
        new("Not after", certificate.Facts.NotAfter.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
        new("Now", fleet.Now.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
    ];

    private static List<string> RenewSteps(ServerFacts server) =>
    [
        $"Renew the certificate (same names: {(server.PublicFqdns.Count == 0 ? "the server's public name" : string.Join(", ", server.PublicFqdns))}) and import it with its private key into Local Computer\\Personal on {server.Name}, or roll it out from the portal's SSTP certificate rotation.",
        "Assign it to SSTP: Set-RemoteAccess -SslCertificate (Get-Item Cert:\\LocalMachine\\My\\<new-thumbprint>)",
        "Restart-Service RemoteAccess",
    ];
}
