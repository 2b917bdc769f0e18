using System.Globalization;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Naming;
using VpnPortal.Domain.Radius;

namespace VpnPortal.Domain.Diagnostics;

/// <summary>
/// NPS servers (NTAuth holds the client certificates' issuing CA, the server certificate is in the clients' EAP list, the
/// Azure MFA extension can reach Azure) and the RRAS side of RADIUS (a timeout long enough for phone-call MFA).
/// </summary>
public static class NpsRules
{
    /// <summary>The area of the NPS server rules.</summary>
    public const string Area = "NPS";

    /// <summary>The area of the RRAS RADIUS rules.</summary>
    public const string RadiusArea = "RADIUS";

    /// <summary>A client certificate issuer is missing from NTAuth (error 853).</summary>
    public const string NtAuthMissingCaId = "nps.ntauth-missing-ca";

    /// <summary>No name of the NPS server certificate is in the clients' EAP "Connect to these servers" list.</summary>
    public const string EapServerNameNotListedId = "nps.eap-server-name-not-listed";

    /// <summary>No certificate NPS could present to EAP clients (Server Authentication, private key, current validity in Personal).</summary>
    public const string NoServerCertificateId = "nps.no-server-certificate";

    /// <summary>The MFA extension's certificate is not among the server's certificates.</summary>
    public const string MfaCertificateMissingId = "nps.mfa-certificate-missing";

    /// <summary>The MFA extension's certificate has expired or expires within the alert thresholds.</summary>
    public const string MfaCertificateExpiringId = "nps.mfa-certificate-expiring";

    /// <summary>An Azure MFA service principal is disabled.</summary>
    public const string MfaServicePrincipalDisabledId = "nps.mfa-service-principal-disabled";

    /// <summary>An RRAS server's RADIUS timeout is too short for phone-call MFA.</summary>
    public const string RadiusTimeoutShortId = "radius.timeout-short";

    /// <summary>The app id of "Azure Multi-Factor Auth Client".</summary>
    public const string MfaClientAppId = "981f26a1-7f43-403b-a875-f8b09b8cd720";

    /// <summary>The app id of "Azure Multi-Factor Auth Connector".</summary>
    public const string MfaConnectorAppId = "1f5530b3-261a-47a9-b357-ded261e17918";

    /// <summary>The NPS and RADIUS rules, in the order they are shown.</summary>
    public static IReadOnlyList<DiagnosticRule> Rules { get; } =
    [
        new(NtAuthMissingCaId, Area, "Client certificate CA missing from NTAuth", NtAuthMissingCa) { CombineForFleet = NtAuthMissingCaForFleet },
        new(NoServerCertificateId, Area, "NPS has no usable server certificate", NoServerCertificate),
        new(EapServerNameNotListedId, Area, "NPS certificate not in the clients' EAP server list", EapServerNameNotListed),
        new(MfaCertificateMissingId, Area, "MFA extension certificate missing", MfaCertificateMissing),
        new(MfaCertificateExpiringId, Area, "MFA extension certificate expired or expiring", MfaCertificateExpiring),
        new(MfaServicePrincipalDisabledId, Area, "Azure MFA service principal disabled", MfaServicePrincipalDisabled),
        new(RadiusTimeoutShortId, RadiusArea, "RADIUS timeout too short for phone-call MFA", RadiusTimeoutShort),
    ];

    private const string MfaSetupScript = @"& 'C:\Program Files\Microsoft\AzureMfa\Config\AzureMfaNpsExtnConfigSetup.ps1'";

    /// <summary>
    /// True when two distinguished names name the same entity: the same attributes with the same values, compared without
    /// regard to case, spacing or order (Windows and OpenSSL print them in opposite orders).
    /// </summary>
    public static bool SameDistinguishedName(string? a, string? b) =>
        CanonicalName(a) is { Length: > 0 } ca && string.Equals(ca, CanonicalName(b), StringComparison.OrdinalIgnoreCase);

    private static string CanonicalName(string? distinguishedName) =>
        string.Join(",", DistinguishedNames.Attributes(distinguishedName)
            .Select(a => $"{a.Type.ToUpperInvariant()}={a.Value.ToUpperInvariant()}")
            .Order(StringComparer.Ordinal));

    private static IEnumerable<Finding> NtAuthMissingCa(ServerFacts server, FleetFacts fleet)
    {
        if (server.IsRras || fleet.ClientCertificateIssuers.Count == 0)
        {
            yield break;
        }

        var ntAuth = server.Certificates.Where(c => c.Store == StoreKind.NTAuth).ToList();
        foreach (var issuer in fleet.ClientCertificateIssuers.Where(i => !string.IsNullOrWhiteSpace(i)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (ntAuth.Any(c => SameDistinguishedName(c.Subject, issuer)))
            {
                continue;
            }

            var caName = DistinguishedNames.ShortName(issuer);
            yield return new Finding(
                NtAuthMissingCaId,
                FindingSeverity.Critical,
                "Client certificate CA missing from NTAuth",
                $"{caName} issues the fleet's client certificates but is not in the NTAuth store on {server.Name}, so NPS rejects those certificates and clients fail with error 853.",
                [
                    new("Issuer expected in NTAuth", issuer),
                    new(NtAuthHolds, ntAuth.Count == 0 ? "(nothing)" : string.Join("; ", ntAuth.Select(c => c.Subject))),
                ],
                NtAuthSteps([server], issuer),
                Key: issuer);
        }
    }

    private const string NtAuthHolds = "NTAuth holds";

    /// <summary>
    /// NTAuth is one store for the whole forest, which each NPS server keeps a copy of: the servers that miss one CA make one
    /// finding, each server's copy in the evidence, the CA added once.
    /// </summary>
    private static Finding NtAuthMissingCaForFleet(IReadOnlyList<(ServerFacts Server, Finding Finding)> reports)
    {
        var issuer = reports[0].Finding.Key;
        var caName = DistinguishedNames.ShortName(issuer);
        var servers = reports.Select(r => r.Server).ToList();
        var names = string.Join(", ", servers.Select(s => s.Name));
        return new Finding(
            NtAuthMissingCaId,
            FindingSeverity.Critical,
            "Client certificate CA missing from NTAuth",
            $"{caName} issues the fleet's client certificates but is not in the enterprise NTAuth store as {names} {(servers.Count == 1 ? "sees" : "see")} it, so NPS rejects those certificates and clients fail with error 853. NTAuth is one store for the whole forest: adding the CA once fixes every NPS server.",
            [
                new("Issuer expected in NTAuth", issuer),
                .. reports.Select(r => new Evidence($"NTAuth on {r.Server.Name}", r.Finding.Evidence.FirstOrDefault(e => e.Label == NtAuthHolds)?.Value ?? "(not reported)")),
            ],
            NtAuthSteps(servers, issuer),
            Key: issuer);
    }

    private static List<string> NtAuthSteps(IReadOnlyList<ServerFacts> servers, string issuer)
    {
        var file = $@"C:\Temp\{DistinguishedNames.ShortName(issuer)}.cer";
        var names = string.Join(", ", servers.Select(s => s.Name));

        // When the CA certificate is already on one of the servers (Intermediate or Root store), say exactly which one to export.
        var onServer = servers
            .Select(s => (Server: s, Ca: s.Certificates.FirstOrDefault(c => c.Store is StoreKind.CA or StoreKind.Root && SameDistinguishedName(c.Subject, issuer))))
            .FirstOrDefault(s => s.Ca is not null);
        return
        [
            onServer.Ca is { } ca
                ? $"On {onServer.Server.Name}: Export-Certificate -Cert Cert:\\LocalMachine\\{(ca.Store == StoreKind.CA ? "CA" : "Root")}\\{ca.Sha1Thumbprint} -FilePath \"{file}\""
                : $"Export the certificate of {issuer} (from the CA, or from a client certificate's chain) to \"{file}\" and copy it to {servers[0].Name}",
            $"As an Enterprise Admin: certutil -enterprise -addstore NTAuth \"{file}\"",
            $"On {names}: certutil -pulse (or wait for autoenrolment), then check with certutil -enterprise -viewstore NTAuth",
        ];
    }

    private static IEnumerable<Finding> NoServerCertificate(ServerFacts server, FleetFacts fleet)
    {
        if (server.IsRras || PeapCertificate.Of(server, fleet) is { } best && best.Facts.NotBefore <= fleet.Now && best.Facts.NotAfter >= fleet.Now)
        {
            yield break;
        }

        var personal = server.Certificates.Where(c => c.Store == StoreKind.My).ToList();
        var fqdn = server.HostFqdn ?? server.Name;
        yield return new Finding(
            NoServerCertificateId,
            FindingSeverity.Critical,
            "NPS has no usable server certificate",
            $"{server.Name} has no certificate in Local Computer\\Personal with Server Authentication, a private key and a current validity, so it cannot complete PEAP or EAP-TLS and every certificate or PEAP sign-in through it fails.",
            [
                new("Certificates in Personal", personal.Count == 0 ? "(none)" : personal.Count.ToString(CultureInfo.InvariantCulture)),
                .. personal.Select(c => new Evidence(DistinguishedNames.ShortName(c.Subject), $"{c.Sha1Thumbprint}: {WhyNotUsable(c, server, fleet.Now)}")),
            ],
            [
                $"On {server.Name}, request a certificate from the private CA (the RAS and IAS Server template, or your NPS template): Get-Certificate -Template RASAndIASServer -SubjectName \"CN={fqdn}\" -DnsName {fqdn} -CertStoreLocation Cert:\\LocalMachine\\My",
                $"Select it in the NPS network policy's EAP settings (Network Policy > Constraints > Authentication Methods > Microsoft: Protected EAP (PEAP) > Edit), then: Restart-Service IAS",
                $"Make sure {fqdn} is in the clients' \"Connect to these servers\" list.",
            ]);
    }

    private static string WhyNotUsable(StoredCertificate c, ServerFacts server, DateTimeOffset now)
    {
        if (server.IsMfaExtensionCertificate(c))
        {
            return "the Azure MFA extension's certificate (it signs the extension in to Entra ID and never serves EAP)";
        }

        var reasons = new List<string>();
        if (!EnhancedKeyUsages.NamesServerAuthentication(c.Facts.EnhancedKeyUsages))
        {
            reasons.Add("no Server Authentication");
        }

        if (!c.Facts.HasPrivateKey)
        {
            reasons.Add("no private key");
        }

        if (c.Facts.NotAfter < now)
        {
            reasons.Add($"expired {c.Facts.NotAfter:yyyy-MM-dd}");
        }
        else if (c.Facts.NotBefore > now)
        {
            reasons.Add($"not valid before {c.Facts.NotBefore:yyyy-MM-dd}");
        }

        return reasons.Count == 0 ? "usable" : string.Join(", ", reasons);
    }

    private static IEnumerable<Finding> EapServerNameNotListed(ServerFacts server, FleetFacts fleet)
    {
        if (server.IsRras)
        {
            yield break;
        }

        // The client setting is one semicolon-separated string; the portal may hold it either way.
        var listed = fleet.EapServerNames.SelectMany(n => n.Split(';')).Select(n => n.Trim()).Where(n => n.Length > 0).ToList();
        if (listed.Count == 0 || PeapCertificate.Of(server, fleet) is not { } certificate)
        {
            yield break;
        }

        var names = CertificateHostNames.PresentedNames(certificate.Facts);
        if (names.Any(n => listed.Any(l => string.Equals(l.TrimEnd('.'), n.TrimEnd('.'), StringComparison.OrdinalIgnoreCase))))
        {
            yield break;
        }

        var newList = string.Join(";", listed.Concat(names.Take(1)));
        yield return new Finding(
            EapServerNameNotListedId,
            FindingSeverity.Warning,
            "NPS certificate not in the clients' EAP server list",
            $"The certificate {server.Name} presents to EAP clients is issued to {string.Join(", ", names.DefaultIfEmpty("no name"))}, which is not in the clients' \"Connect to these servers\" list, so users are asked \"Continue connecting?\" (or refused where prompts are off).",
            [
                new("Certificate", $"{certificate.Subject} ({certificate.Sha1Thumbprint})"),
                new("Certificate names", names.Count == 0 ? "(none)" : string.Join(", ", names)),
                new("Connect to these servers", string.Join(";", listed)),
            ],
            [
                names.Count == 0
                    ? $"Issue {server.Name} a certificate from the private CA with one of {string.Join(";", listed)} as a DNS name"
                    : $"In the clients' VPN profile (EAP properties, \"Connect to these servers\"), set: {newList}",
                $"Or replace the certificate on {server.Name} with one from the private CA whose DNS name is in the list, and select it in the NPS network policy's EAP settings",
            ]);
    }

    private static IEnumerable<Finding> MfaCertificateMissing(ServerFacts server, FleetFacts fleet)
    {
        if (server.IsRras || server.MfaExtension is not { Installed: true } mfa || MfaCertificate(server, mfa) is not null)
        {
            yield break;
        }

        yield return new Finding(
            MfaCertificateMissingId,
            FindingSeverity.Critical,
            "MFA extension certificate missing",
            $"The Azure MFA extension on {server.Name} has no certificate to sign in to Azure with, so every MFA sign-in through it fails (ESTS_TOKEN_ERROR).",
            [
                new("Certificate the extension uses", mfa.CertificateSha1 ?? "(not reported)"),
                new("Found on the server", "no"),
            ],
            RenewMfaSteps(server));
    }

    private static IEnumerable<Finding> MfaCertificateExpiring(ServerFacts server, FleetFacts fleet)
    {
        if (server.IsRras || server.MfaExtension is not { Installed: true } mfa || MfaCertificate(server, mfa) is not { } certificate)
        {
            yield break;
        }

        var thresholdDays = fleet.ExpiryThresholdDays.Count == 0 ? CertificateExpiry.SoonDays : fleet.ExpiryThresholdDays.Max();
        var notAfter = certificate.Facts.NotAfter;
        var expired = notAfter < fleet.Now;
        if (!expired && notAfter >= fleet.Now.AddDays(thresholdDays))
        {
            yield break;
        }

        var days = (int)Math.Floor((notAfter - fleet.Now).TotalDays);
        yield return new Finding(
            MfaCertificateExpiringId,
            expired ? FindingSeverity.Critical : FindingSeverity.Warning,
            expired ? "MFA extension certificate expired" : "MFA extension certificate expiring",
            expired
                ? $"The certificate the Azure MFA extension on {server.Name} signs in to Azure with expired on {notAfter:yyyy-MM-dd}, so every MFA sign-in through it fails."
                : $"The certificate the Azure MFA extension on {server.Name} signs in to Azure with expires on {notAfter:yyyy-MM-dd}, in {days} days; MFA sign-ins through it fail from then on.",
            [
                new("Certificate", $"{certificate.Subject} ({certificate.Sha1Thumbprint})"),
                new("Expires", notAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                new("Now", fleet.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                new("Alert threshold", $"{thresholdDays} days"),
            ],
            RenewMfaSteps(server));
    }

    private static IEnumerable<Finding> MfaServicePrincipalDisabled(ServerFacts server, FleetFacts fleet)
    {
        if (server.IsRras || server.MfaExtension is not { Installed: true } mfa)
        {
            yield break;
        }

        (string Name, string AppId, bool? Enabled)[] principals =
        [
            ("Azure Multi-Factor Auth Client", MfaClientAppId, mfa.ClientServicePrincipalEnabled),
            ("Azure Multi-Factor Auth Connector", MfaConnectorAppId, mfa.ConnectorServicePrincipalEnabled),
        ];
        foreach (var (name, appId, enabled) in principals.Where(p => p.Enabled == false))
        {
            yield return new Finding(
                MfaServicePrincipalDisabledId,
                FindingSeverity.Critical,
                $"{name} service principal disabled",
                $"The service principal \"{name}\" ({appId}) is disabled in the tenant, so the MFA extension on {server.Name} cannot get a token and every MFA sign-in fails (ESTS_TOKEN_ERROR, AuthZ event 3, NPS event 6274).",
                [
                    new("Service principal", $"{name} ({appId})"),
                    new("Enabled", "false"),
                    new("Expected", "true"),
                ],
                [
                    "Connect-MgGraph -Scopes Application.ReadWrite.All",
                    $"Update-MgServicePrincipal -ServicePrincipalId (Get-MgServicePrincipal -Filter \"appId eq '{appId}'\").Id -AccountEnabled:$true",
                    $"On {server.Name}: Restart-Service IAS",
                ],
                Key: appId);
        }
    }

    private static IEnumerable<Finding> RadiusTimeoutShort(ServerFacts server, FleetFacts fleet)
    {
        if (!server.IsRras || !fleet.PhoneCallMfa)
        {
            yield break;
        }

        foreach (var radius in server.RadiusServers.Where(r => r.TimeoutSeconds < RadiusTimeouts.PhoneCallMfaSeconds))
        {
            yield return new Finding(
                RadiusTimeoutShortId,
                FindingSeverity.Critical,
                "RADIUS timeout too short for phone-call MFA",
                $"{server.Name} gives up on RADIUS server {radius.Address} after {radius.TimeoutSeconds} s, before users can answer the MFA phone call, so their sign-ins fail.",
                [
                    new("RADIUS server", radius.Address),
                    new("Timeout", $"{radius.TimeoutSeconds} s"),
                    new("Needed for phone-call MFA", $"{RadiusTimeouts.PhoneCallMfaSeconds} s or more"),
                ],
                [
                    $"On {server.Name}: Set-RemoteAccessRadius -ServerName {radius.Address} -Timeout {RadiusTimeouts.PhoneCallMfaSeconds}",
                    $"Or in the Routing and Remote Access console: {server.Name} > Properties > Security > Authentication provider: RADIUS > Configure > {radius.Address} > Edit > Time-out (seconds): {RadiusTimeouts.PhoneCallMfaSeconds}",
                ],
                Key: radius.Address);
        }
    }

    private static StoredCertificate? MfaCertificate(ServerFacts server, MfaExtensionFacts mfa) =>
        Thumbprints.Normalize(mfa.CertificateSha1) is { } sha1
            ? server.Certificates.FirstOrDefault(c => Thumbprints.Normalize(c.Sha1Thumbprint) == sha1)
            : null;

    private static IReadOnlyList<string> RenewMfaSteps(ServerFacts server) =>
    [
        $"On {server.Name}, in an elevated PowerShell: {MfaSetupScript} (signs in to the tenant, creates a new certificate and adds it to the Azure Multi-Factor Auth Client service principal)",
        $"On {server.Name}: Restart-Service IAS",
    ];
}
