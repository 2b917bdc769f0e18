using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Domain.Diagnostics;

/// <summary>
/// The SSTP listener of an RRAS server: a certificate it can use, the HTTP.sys bindings that carry it on IPv4 and IPv6, and
/// the port. The binding and certificate-choice rules do not apply when TLS ends on the load balancer and RRAS uses plain
/// HTTP, because then there is no TLS binding.
/// </summary>
public static class SstpRules
{
    private const string Area = "SSTP";

    /// <summary>No certificate in Personal that RRAS can use: no listener, no SSTP.</summary>
    public static readonly DiagnosticRule NoValidCertificate = new("sstp.no-valid-certificate", Area, "No certificate the SSTP listener can use", EvaluateNoValidCertificate);

    /// <summary>Several usable certificates and none chosen: RRAS may pick the wrong one.</summary>
    public static readonly DiagnosticRule AmbiguousCertificate = new("sstp.ambiguous-certificate", Area, "SSTP certificate not chosen among several", EvaluateAmbiguousCertificate);

    /// <summary>HTTP.sys serves another certificate than the one RRAS is configured with.</summary>
    public static readonly DiagnosticRule BindingMismatch = new("sstp.binding-mismatch", Area, "HTTP.sys binding differs from the SSTP certificate", EvaluateBindingMismatch);

    /// <summary>The IPv4 and IPv6 bindings differ, or one (or both) is missing.</summary>
    public static readonly DiagnosticRule BindingIncomplete = new("sstp.binding-incomplete", Area, "IPv4 and IPv6 SSTP bindings differ or are missing", EvaluateBindingIncomplete);

    /// <summary>Another application (IIS) bound a certificate on the SSTP port.</summary>
    public static readonly DiagnosticRule ForeignBinding = new("sstp.foreign-binding", Area, "Another application is bound on the SSTP port", EvaluateForeignBinding);

    /// <summary>The bound certificate is not in Local Computer\Personal with its private key.</summary>
    public static readonly DiagnosticRule BoundCertificateUnusable = new("sstp.bound-certificate-unusable", Area, "Bound certificate is not in Personal with a private key", EvaluateBoundCertificateUnusable);

    /// <summary>RRAS listens on another port than the load balancer forwards to.</summary>
    public static readonly DiagnosticRule ListenerPort = new("sstp.listener-port", Area, "SSTP listens on an unexpected port", EvaluateListenerPort);

    /// <summary>Every SSTP rule.</summary>
    public static IReadOnlyList<DiagnosticRule> Rules { get; } =
        [NoValidCertificate, AmbiguousCertificate, BindingMismatch, BindingIncomplete, ForeignBinding, BoundCertificateUnusable, ListenerPort];

    /// <summary>True when SSTP rules apply to <paramref name="server"/>: an RRAS server with SSTP on.</summary>
    public static bool Applies(ServerFacts server) => server.IsRras && server.SstpEnabled;

    private static IEnumerable<Finding> EvaluateNoValidCertificate(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server))
        {
            return [];
        }

        var sstp = SstpListenerFacts.Of(server, fleet);
        if (!sstp.ListensWithTls || sstp.ValidCertificates.Count > 0)
        {
            return [];
        }

        var inPersonal = 0;
        var evidence = new List<Evidence>();
        foreach (var certificate in server.Certificates)
        {
            if (certificate.Store == StoreKind.My)
            {
                inPersonal++;
                if (server.IsMfaExtensionCertificate(certificate))
                {
                    evidence.Add(new Evidence("Not counted: the Azure MFA extension's certificate", Thumbprints.Normalize(certificate.Sha1Thumbprint) ?? certificate.Sha1Thumbprint));
                }
            }
        }

        return
        [
            new Finding(
                NoValidCertificate.Id,
                FindingSeverity.Critical,
                NoValidCertificate.Title,
                evidence.Count == 0
                    ? $"{server.Name} has no certificate in Local Computer\\Personal with Server Authentication, a private key and a current validity, so RRAS cannot start the SSTP listener and every SSTP connection fails."
                    : $"{server.Name} has no certificate in Local Computer\\Personal with Server Authentication, a private key and a current validity besides the Azure MFA extension's self-signed one, which SSTP clients refuse, so every SSTP connection fails.",
                [
                    new Evidence("Certificates in Personal", inPersonal.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new Evidence("Usable for SSTP", "0"),
                    new Evidence("Configured certificate", SstpListenerFacts.Show(sstp.ConfiguredSha1)),
                    .. evidence,
                ],
                [
                    $"Import a Server Authentication certificate for {PublicNames(server)} with its private key into Local Computer\\Personal on {server.Name} (a .pfx file: Import-PfxCertificate -FilePath <file.pfx> -CertStoreLocation Cert:\\LocalMachine\\My).",
                    "Assign it to SSTP: Set-RemoteAccess -SslCertificate (Get-Item Cert:\\LocalMachine\\My\\<new-thumbprint>)",
                    "Restart-Service RemoteAccess",
                ]),
        ];
    }

    private static IEnumerable<Finding> EvaluateAmbiguousCertificate(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server))
        {
            return [];
        }

        var sstp = SstpListenerFacts.Of(server, fleet);
        if (!sstp.ListensWithTls || sstp.ConfiguredSha1 is not null || sstp.ValidCertificates.Count < 2)
        {
            return [];
        }

        var best = Preferred(server, sstp.ValidCertificates);
        var evidence = new List<Evidence>(sstp.ValidCertificates.Count + 2) { new("Configured certificate", "(none: RRAS picks the first usable one)") };
        foreach (var certificate in sstp.ValidCertificates)
        {
            evidence.Add(new Evidence("Usable certificate", $"{Thumbprints.Normalize(certificate.Sha1Thumbprint)} {certificate.Subject} (expires {certificate.Facts.NotAfter:yyyy-MM-dd})"));
        }

        evidence.Add(new Evidence("Bound now (IPv4)", SstpListenerFacts.Show(sstp.Ipv4Hash)));
        var bestSha1 = Thumbprints.Normalize(best.Sha1Thumbprint);
        return
        [
            new Finding(
                AmbiguousCertificate.Id,
                FindingSeverity.Warning,
                AmbiguousCertificate.Title,
                $"{server.Name} has {sstp.ValidCertificates.Count} certificates SSTP could use and none is chosen, so RRAS may bind the wrong one (after a renewal or restart) and clients then refuse the connection.",
                evidence,
                [
                    $"Choose the certificate in Routing and Remote Access (server Properties > Security > SSL Certificate Binding), or: Set-RemoteAccess -SslCertificate (Get-Item Cert:\\LocalMachine\\My\\{bestSha1})",
                    "Restart-Service RemoteAccess",
                ]),
        ];
    }

    private static IEnumerable<Finding> EvaluateBindingMismatch(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server))
        {
            return [];
        }

        var sstp = SstpListenerFacts.Of(server, fleet);
        if (!sstp.ListensWithTls || sstp.ConfiguredSha1 is not { } configured)
        {
            return [];
        }

        var ipv4Differs = sstp.Ipv4 is not null && sstp.Ipv4Hash != configured;
        var ipv6Differs = sstp.Ipv6 is not null && sstp.Ipv6Hash != configured;
        if (!ipv4Differs && !ipv6Differs)
        {
            return [];
        }

        return
        [
            new Finding(
                BindingMismatch.Id,
                FindingSeverity.Critical,
                BindingMismatch.Title,
                $"The certificate HTTP.sys serves on port {sstp.Port} is not the one RRAS is configured to use for SSTP (\"the thumbprint of the certificate used for SSTP is different than the certificate bound to the Web listener\"), usually because someone bound a certificate in IIS or with netsh.",
                BindingEvidence(sstp),
                RebindSteps(sstp, configured)),
        ];
    }

    private static IEnumerable<Finding> EvaluateBindingIncomplete(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server))
        {
            return [];
        }

        var sstp = SstpListenerFacts.Of(server, fleet);
        if (!sstp.ListensWithTls)
        {
            return [];
        }

        var target = sstp.ConfiguredSha1 ?? sstp.Ipv4Hash ?? sstp.Ipv6Hash;
        string summary;
        FindingSeverity severity;
        if (sstp.Ipv4 is null && sstp.Ipv6 is null)
        {
            // No usable certificate explains a missing listener better; that rule says so.
            if (sstp.ValidCertificates.Count == 0)
            {
                return [];
            }

            severity = FindingSeverity.Critical;
            summary = $"HTTP.sys has no SSTP binding on port {sstp.Port} for IPv4 or IPv6, so the SSTP listener does not answer.";
            target ??= Thumbprints.Normalize(Preferred(server, sstp.ValidCertificates).Sha1Thumbprint);
        }
        else if (sstp.Ipv4 is null || sstp.Ipv6 is null)
        {
            severity = FindingSeverity.Warning;
            summary = $"Only the {(sstp.Ipv4 is null ? "IPv6" : "IPv4")} SSTP binding exists on port {sstp.Port}, so clients reaching the server over {(sstp.Ipv4 is null ? "IPv4" : "IPv6")} cannot connect.";
        }
        else if (sstp.Ipv4Hash != sstp.Ipv6Hash)
        {
            severity = FindingSeverity.Warning;
            summary = $"The IPv4 and IPv6 bindings on port {sstp.Port} carry different certificates, so clients get a different certificate depending on how they reach the server.";
        }
        else
        {
            return [];
        }

        return
        [
            new Finding(BindingIncomplete.Id, severity, BindingIncomplete.Title, summary, BindingEvidence(sstp), RebindSteps(sstp, target ?? "<thumbprint>")),
        ];
    }

    private static IEnumerable<Finding> EvaluateForeignBinding(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server))
        {
            return [];
        }

        var sstp = SstpListenerFacts.Of(server, fleet);
        if (!sstp.ListensWithTls || sstp.ForeignBindings.Count == 0)
        {
            return [];
        }

        var findings = new List<Finding>(sstp.ForeignBindings.Count);
        var restore = sstp.ConfiguredSha1 ?? sstp.InUseSha1 ?? "<thumbprint>";
        foreach (var binding in sstp.ForeignBindings)
        {
            var steps = new List<string>
            {
                $"Remove the HTTPS binding on port {sstp.Port} from the IIS site that owns it (IIS Manager > Site > Bindings), or: netsh http delete sslcert ipport={binding.IpPort}",
            };
            if (SstpListenerFacts.TryParseIpPort(binding.IpPort, out var host, out _) && host is "0.0.0.0" or "[::]")
            {
                steps.Add($"netsh http add sslcert ipport={binding.IpPort} certhash={restore} appid={SstpListenerFacts.SstpAppId} certstorename=MY");
            }

            steps.Add("Restart-Service RemoteAccess");
            findings.Add(new Finding(
                ForeignBinding.Id,
                FindingSeverity.Critical,
                ForeignBinding.Title,
                $"HTTP.sys has a binding on {binding.IpPort} made by another application (usually IIS), so SSTP clients reaching it get that application's certificate or no SSTP at all.",
                [
                    new Evidence("Binding", binding.IpPort),
                    new Evidence("Application id", binding.ApplicationId.ToString("B")),
                    new Evidence("SSTP application id", SstpListenerFacts.SstpAppId),
                    new Evidence("Bound certificate", SstpListenerFacts.Show(Thumbprints.Normalize(binding.CertificateHash))),
                    new Evidence("Configured certificate", SstpListenerFacts.Show(sstp.ConfiguredSha1)),
                ],
                steps,
                binding.IpPort));
        }

        return findings;
    }

    private static IEnumerable<Finding> EvaluateBoundCertificateUnusable(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server))
        {
            return [];
        }

        var sstp = SstpListenerFacts.Of(server, fleet);
        if (!sstp.ListensWithTls)
        {
            return [];
        }

        var findings = new List<Finding>(2);
        foreach (var (binding, hash) in new[] { (sstp.Ipv4, sstp.Ipv4Hash), (sstp.Ipv6, sstp.Ipv6Hash) })
        {
            if (binding is null || hash is null || findings.Exists(f => f.Key == hash))
            {
                continue;
            }

            var stored = sstp.Find(hash);
            var storeName = string.IsNullOrWhiteSpace(binding.StoreName) ? "MY" : binding.StoreName.Trim();
            string? problem =
                stored is null ? "is not among the certificates reported on the server"
                : stored.Store != StoreKind.My ? $"is in the {stored.Store} store, not Local Computer\\Personal"
                : !stored.Facts.HasPrivateKey ? "is in Local Computer\\Personal without its private key"
                : !storeName.Equals("MY", StringComparison.OrdinalIgnoreCase) ? $"is bound from the {storeName} store instead of MY"
                : null;
            if (problem is null)
            {
                continue;
            }

            var replacement = sstp.ConfiguredSha1 is { } configured && configured != hash && sstp.Find(configured) is { Store: StoreKind.My, Facts.HasPrivateKey: true }
                ? configured
                : null;
            findings.Add(new Finding(
                BoundCertificateUnusable.Id,
                FindingSeverity.Critical,
                BoundCertificateUnusable.Title,
                $"The certificate bound on port {sstp.Port} ({hash}) {problem}, so HTTP.sys cannot complete the TLS handshake and SSTP connections fail.",
                [
                    new Evidence("Bound certificate", hash),
                    new Evidence("Binding store", storeName),
                    new Evidence("Found in store", stored is null ? "(not reported)" : stored.Store.ToString()),
                    new Evidence("Private key", stored is null ? "(unknown)" : stored.Facts.HasPrivateKey ? "yes" : "no"),
                    new Evidence("IPv4 binding (" + sstp.Ipv4IpPort + ")", SstpListenerFacts.Show(sstp.Ipv4Hash)),
                    new Evidence("IPv6 binding (" + sstp.Ipv6IpPort + ")", SstpListenerFacts.Show(sstp.Ipv6Hash)),
                ],
                replacement is not null
                    ? RebindSteps(sstp, replacement)
                    : [
                        $"Import the certificate {hash} with its private key (.pfx) into Local Computer\\Personal on {server.Name}: Import-PfxCertificate -FilePath <file.pfx> -CertStoreLocation Cert:\\LocalMachine\\My",
                        .. RebindSteps(sstp, hash),
                    ],
                hash));
        }

        return findings;
    }

    private static IEnumerable<Finding> EvaluateListenerPort(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server) || server.ListenerPort is not { } actual || actual == server.ExpectedListenerPort)
        {
            return [];
        }

        var expected = server.ExpectedListenerPort;
        return
        [
            new Finding(
                ListenerPort.Id,
                FindingSeverity.Critical,
                ListenerPort.Title,
                $"SSTP on {server.Name} listens on port {actual}, but the load balancer forwards SSTP to port {expected}, so forwarded connections find nothing listening.",
                [
                    new Evidence("Reported listener port", actual.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new Evidence("Expected listener port", expected.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ],
                [
                    $"Set-ItemProperty -Path '{SstpListenerFacts.ParametersKey}' -Name ListenerPort -Type DWord -Value {expected}",
                    "Restart-Service RemoteAccess",
                    $"Or, if the load balancer really forwards to port {actual}, change this server's listener port in the portal to {actual}.",
                ]),
        ];
    }

    // Configured certificate next to both bindings, so the mismatch is visible at a glance.
    private static List<Evidence> BindingEvidence(SstpListenerFacts sstp) =>
    [
        new("Configured certificate", sstp.ConfiguredSha1 ?? "(none: RRAS picks one)"),
        new($"IPv4 binding ({sstp.Ipv4IpPort})", SstpListenerFacts.Show(sstp.Ipv4Hash)),
        new($"IPv6 binding ({sstp.Ipv6IpPort})", SstpListenerFacts.Show(sstp.Ipv6Hash)),
        new("IPv4 binding application", sstp.Ipv4?.ApplicationId.ToString("B") ?? "(none)"),
        new("IPv6 binding application", sstp.Ipv6?.ApplicationId.ToString("B") ?? "(none)"),
    ];

    // Clear both wildcard bindings and put SSTP's back with one certificate; deleting a binding that is not there is harmless.
    private static List<string> RebindSteps(SstpListenerFacts sstp, string sha1) =>
    [
        $"netsh http delete sslcert ipport={sstp.Ipv4IpPort}",
        $"netsh http delete sslcert ipport={sstp.Ipv6IpPort}",
        $"Assign the certificate again in Routing and Remote Access (server Properties > Security > SSL Certificate Binding), or: netsh http add sslcert ipport={sstp.Ipv4IpPort} certhash={sha1} appid={SstpListenerFacts.SstpAppId} certstorename=MY",
        $"netsh http add sslcert ipport={sstp.Ipv6IpPort} certhash={sha1} appid={SstpListenerFacts.SstpAppId} certstorename=MY",
        "Restart-Service RemoteAccess",
    ];

    // The certificate to recommend among several usable ones: it covers every public name, then lasts longest.
    private static StoredCertificate Preferred(ServerFacts server, IReadOnlyList<StoredCertificate> candidates)
    {
        StoredCertificate? best = null;
        var bestCovers = false;
        foreach (var certificate in candidates)
        {
            var covers = true;
            foreach (var fqdn in server.PublicFqdns)
            {
                if (CertificateHostNames.Match(certificate.Facts, fqdn) is null)
                {
                    covers = false;
                    break;
                }
            }

            if (best is null || (covers && !bestCovers) || (covers == bestCovers && certificate.Facts.NotAfter > best.Facts.NotAfter))
            {
                best = certificate;
                bestCovers = covers;
            }
        }

        return best!;
    }

    private static string PublicNames(ServerFacts server) =>
        server.PublicFqdns.Count == 0 ? "the server's public name" : string.Join(", ", server.PublicFqdns);
}
