using VpnPortal.Domain.Certificates;

namespace VpnPortal.Domain.Diagnostics;

/// <summary>
/// IKEv2 on RRAS servers that offer it: a server certificate in Local Computer\Personal with a private key, both IKEv2
/// key usages and the public FQDN as subject, and server-side fragmentation on (else error 809 behind firewalls).
/// </summary>
public static class Ikev2Rules
{
    /// <summary>The area every rule here reports under.</summary>
    public const string Area = "IKEv2";

    /// <summary>No certificate on the server can serve IKEv2.</summary>
    public const string NoCertificateId = "ikev2.no-certificate";

    /// <summary>The IKEv2 server certificate lacks IP security IKE intermediate or Server Authentication.</summary>
    public const string EkuMissingId = "ikev2.eku-missing";

    /// <summary>The IKEv2 server certificate's subject is not the server's public FQDN.</summary>
    public const string SubjectNotPublicFqdnId = "ikev2.subject-not-public-fqdn";

    /// <summary>Server-side IKE fragmentation is off or not set.</summary>
    public const string FragmentationDisabledId = "ikev2.fragmentation-disabled";

    /// <summary>The IKEv2 rules, in the order they are shown.</summary>
    public static IReadOnlyList<DiagnosticRule> Rules { get; } =
    [
        new(NoCertificateId, Area, "No certificate can serve IKEv2", NoCertificate),
        new(EkuMissingId, Area, "IKEv2 certificate lacks a required key usage", EkuMissing),
        new(SubjectNotPublicFqdnId, Area, "IKEv2 certificate subject is not the public name", SubjectNotPublicFqdn),
        new(FragmentationDisabledId, Area, "IKEv2 server fragmentation is off", FragmentationDisabled),
    ];

    private const string FragmentationKeyPath = @"HKLM:\SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\Ikev2";

    /// <summary>
    /// The certificate RRAS presents to IKEv2 clients, as far as the reported state tells: among Personal certificates with a
    /// private key, one whose names cover a public FQDN (an IKEv2-fit one first, then the latest to expire); when none
    /// covers, the IKEv2-fit one that expires last. Null when there is neither. The Azure MFA NPS extension's certificate
    /// ("all purposes", so IKEv2-fit by its EKU) is never it.
    /// </summary>
    public static StoredCertificate? ServerCertificate(ServerFacts server, DateTimeOffset now)
    {
        var candidates = server.Certificates.Where(c => c.Store == StoreKind.My && c.Facts.HasPrivateKey && !server.IsMfaExtensionCertificate(c)).ToList();
        var covering = candidates
            .Where(c => server.PublicFqdns.Any(f => CertificateHostNames.Covers(c.Facts.SubjectCommonName, c.Facts.DnsNames, f)))
            .OrderByDescending(c => CertificateFitness.Ikev2(c.Facts, now).Fit)
            .ThenByDescending(c => c.Facts.NotAfter)
            .FirstOrDefault();
        return covering ?? candidates
            .Where(c => CertificateFitness.Ikev2(c.Facts, now).Fit)
            .OrderByDescending(c => c.Facts.NotAfter)
            .FirstOrDefault();
    }

    private static bool Applies(ServerFacts server) => server.IsRras && server.Ikev2Enabled;

    private static IEnumerable<Finding> NoCertificate(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server) || ServerCertificate(server, fleet.Now) is not null)
        {
            yield break;
        }

        var withKey = server.Certificates.Where(c => c.Store == StoreKind.My && c.Facts.HasPrivateKey).ToList();
        var fqdn = PrimaryFqdn(server);
        var evidence = new List<Evidence>
        {
            new("Public names", JoinOrNone(server.PublicFqdns)),
            new("Personal certificates with a private key", withKey.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        evidence.AddRange(withKey.Select(c => new Evidence(
            $"{DistinguishedNames.ShortName(c.Subject)} ({c.Sha1Thumbprint})",
            server.IsMfaExtensionCertificate(c)
                ? "the Azure MFA extension's certificate (it signs in to Entra ID, clients would refuse it)"
                : string.Join("; ", CertificateFitness.Ikev2(c.Facts, fleet.Now).Reasons.DefaultIfEmpty("does not cover a public name")))));

        yield return new Finding(
            NoCertificateId,
            FindingSeverity.Critical,
            "No certificate can serve IKEv2",
            $"{server.Name} has no certificate in Local Computer\\Personal with a private key that covers {fqdn} or is fit for IKEv2, so IKEv2 connections fail (error 13801).",
            evidence,
            EnrolSteps(server, fqdn));
    }

    private static IEnumerable<Finding> EkuMissing(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server) || ServerCertificate(server, fleet.Now) is not { } certificate)
        {
            yield break;
        }

        var ekus = certificate.Facts.EnhancedKeyUsages;
        if (EnhancedKeyUsages.FitsIkev2Server(ekus))
        {
            yield break;
        }

        var missing = new List<string>();
        if (!EnhancedKeyUsages.AllowsServerAuthentication(ekus))
        {
            missing.Add($"Server Authentication ({EnhancedKeyUsages.ServerAuthentication})");
        }

        if (!ekus.Any(e => e.Trim() == EnhancedKeyUsages.IpSecurityIkeIntermediate))
        {
            missing.Add($"IP security IKE intermediate ({EnhancedKeyUsages.IpSecurityIkeIntermediate})");
        }

        var fqdn = PrimaryFqdn(server);
        yield return new Finding(
            EkuMissingId,
            FindingSeverity.Critical,
            "IKEv2 certificate lacks a required key usage",
            $"The certificate {server.Name} presents to IKEv2 clients lacks {string.Join(" and ", missing)}, so clients refuse it and IKEv2 connections fail (error 13801).",
            [
                new("Certificate", $"{certificate.Subject} ({certificate.Sha1Thumbprint})"),
                new("Key usages it has", string.Join(", ", EnhancedKeyUsages.Describe(ekus).Select(u => u.Oid is null ? u.Name : $"{u.Name} ({u.Oid})"))),
                new("Key usages IKEv2 needs", $"Server Authentication ({EnhancedKeyUsages.ServerAuthentication}), IP security IKE intermediate ({EnhancedKeyUsages.IpSecurityIkeIntermediate})"),
                new("Missing", string.Join(", ", missing)),
            ],
            EnrolSteps(server, fqdn));
    }

    private static IEnumerable<Finding> SubjectNotPublicFqdn(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server) || server.PublicFqdns.Count == 0 || ServerCertificate(server, fleet.Now) is not { } certificate)
        {
            yield break;
        }

        var cn = certificate.Facts.SubjectCommonName ?? DistinguishedNames.CommonName(certificate.Subject);
        if (cn is not null && !CertificateHostNames.IsWildcard(cn) && server.PublicFqdns.Any(f => CertificateHostNames.Matches(cn, f)))
        {
            yield break;
        }

        // Covered through a SAN, clients that read the SAN connect; without any cover every client refuses it.
        var covered = server.PublicFqdns.Any(f => CertificateHostNames.Covers(certificate.Facts.SubjectCommonName, certificate.Facts.DnsNames, f));
        var fqdn = PrimaryFqdn(server);
        yield return new Finding(
            SubjectNotPublicFqdnId,
            covered ? FindingSeverity.Warning : FindingSeverity.Critical,
            "IKEv2 certificate subject is not the public name",
            covered
                ? $"The IKEv2 certificate on {server.Name} is issued to {cn ?? "no common name"} rather than {fqdn}; clients that check the subject rather than the alternative names refuse it."
                : $"The IKEv2 certificate on {server.Name} names neither {fqdn} in its subject nor in its alternative names, so clients dialling {fqdn} refuse it (error 13801).",
            [
                new("Certificate", $"{certificate.Subject} ({certificate.Sha1Thumbprint})"),
                new("Subject common name", cn ?? "(none)"),
                new("Alternative names", JoinOrNone(certificate.Facts.DnsNames)),
                new("Public names", JoinOrNone(server.PublicFqdns)),
            ],
            EnrolSteps(server, fqdn));
    }

    private static IEnumerable<Finding> FragmentationDisabled(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server) || server.Ikev2FragmentationEnabled == true)
        {
            yield break;
        }

        yield return new Finding(
            FragmentationDisabledId,
            FindingSeverity.Warning,
            "IKEv2 server fragmentation is off",
            $"{server.Name} does not fragment large IKE_AUTH packets, so clients behind firewalls that drop IP fragments fail with error 809.",
            [
                new("EnableServerFragmentation", server.Ikev2FragmentationEnabled is null ? "not set" : "0 (disabled)"),
                new("Expected", "1 (enabled)"),
                new("Registry key", FragmentationKeyPath),
            ],
            [
                $"On {server.Name}, in an elevated PowerShell: Set-ItemProperty -Path {FragmentationKeyPath} -Name EnableServerFragmentation -Value 1 -Type DWord",
                "Restart-Service RemoteAccess (this ends the server's current VPN sessions; needs Windows Server 1803 or later)",
            ]);
    }

    private static IReadOnlyList<string> EnrolSteps(ServerFacts server, string fqdn) =>
    [
        $"Request a certificate from the private CA for {fqdn} (subject CN={fqdn}, DNS name {fqdn}) with the key usages Server Authentication ({EnhancedKeyUsages.ServerAuthentication}) and IP security IKE intermediate ({EnhancedKeyUsages.IpSecurityIkeIntermediate}), into Local Computer\\Personal on {server.Name}: Get-Certificate -Template <VPN server template> -SubjectName \"CN={fqdn}\" -DnsName {fqdn} -CertStoreLocation Cert:\\LocalMachine\\My",
        $"On {server.Name}: Restart-Service RemoteAccess, so IKEv2 picks up the new certificate",
    ];

    private static string PrimaryFqdn(ServerFacts server) =>
        server.PublicFqdns.FirstOrDefault(f => !string.IsNullOrWhiteSpace(f))?.Trim() ?? server.HostFqdn ?? server.Name;

    private static string JoinOrNone(IEnumerable<string> values)
    {
        var joined = string.Join(", ", values.Where(v => !string.IsNullOrWhiteSpace(v)));
        return joined.Length == 0 ? "(none)" : joined;
    }
}
