using VpnPortal.Domain.Naming;

namespace VpnPortal.Domain.Diagnostics;

/// <summary>
/// TLS terminated on the load balancer: RRAS must know the SHA-256 hash of the certificate clients see, or it drops every
/// session right after the handshake ("connects, then disconnects", RasSstp event 6), and it should listen on plain HTTP.
/// </summary>
public static class TlsOffloadRules
{
    private const string Area = "TLS offload";

    /// <summary>Offload is on but RRAS has no SHA256CertificateHash.</summary>
    public static readonly DiagnosticRule HashMissing = new("offload.hash-missing", Area, "TLS offload without the certificate hash", EvaluateHashMissing);

    /// <summary>RRAS's SHA256CertificateHash is not the load balancer's certificate.</summary>
    public static readonly DiagnosticRule HashMismatch = new("offload.hash-mismatch", Area, "TLS offload hash differs from the load balancer's certificate", EvaluateHashMismatch);

    /// <summary>Offload is on but RRAS still expects HTTPS.</summary>
    public static readonly DiagnosticRule HttpsStillOn = new("offload.https-still-on", Area, "TLS offloaded but RRAS still uses HTTPS", EvaluateHttpsStillOn);

    /// <summary>Every TLS offload rule.</summary>
    public static IReadOnlyList<DiagnosticRule> Rules { get; } = [HashMissing, HashMismatch, HttpsStillOn];

    private static bool Applies(ServerFacts server) => SstpRules.Applies(server) && server.TlsOffload;

    private static IEnumerable<Finding> EvaluateHashMissing(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server) || Thumbprints.Normalize(server.Sha256CertificateHash) is not null)
        {
            return [];
        }

        var expected = Thumbprints.Normalize(server.LoadBalancerCertificateSha256);
        return
        [
            new Finding(
                HashMissing.Id,
                FindingSeverity.Critical,
                HashMissing.Title,
                $"TLS is offloaded to the load balancer but {server.Name} does not know the SHA-256 hash of the load balancer's certificate, so clients connect and are dropped at once (RasSstp event 6, \"security check failure\").",
                [
                    new Evidence("SHA256CertificateHash on the server", string.IsNullOrWhiteSpace(server.Sha256CertificateHash) ? "(not set)" : $"{server.Sha256CertificateHash} (not a hex hash)"),
                    new Evidence("Load balancer certificate SHA-256", expected ?? "(not recorded)"),
                ],
                FixSteps(expected)),
        ];
    }

    private static IEnumerable<Finding> EvaluateHashMismatch(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server)
            || Thumbprints.Normalize(server.Sha256CertificateHash) is not { } reported
            || Thumbprints.Normalize(server.LoadBalancerCertificateSha256) is not { } expected
            || reported == expected)
        {
            return [];
        }

        return
        [
            new Finding(
                HashMismatch.Id,
                FindingSeverity.Critical,
                HashMismatch.Title,
                $"{server.Name} expects a different certificate than the one the load balancer presents, so clients connect and are dropped at once (RasSstp event 6, \"security check failure\"); this happens when the load balancer's certificate is renewed and the servers are not told.",
                [
                    new Evidence("SHA256CertificateHash on the server", reported),
                    new Evidence("Load balancer certificate SHA-256", expected),
                ],
                FixSteps(expected)),
        ];
    }

    private static IEnumerable<Finding> EvaluateHttpsStillOn(ServerFacts server, FleetFacts fleet)
    {
        if (!Applies(server) || server.UseHttps != true)
        {
            return [];
        }

        return
        [
            new Finding(
                HttpsStillOn.Id,
                FindingSeverity.Warning,
                HttpsStillOn.Title,
                $"TLS is offloaded to the load balancer but {server.Name} still listens with HTTPS: unless the load balancer re-encrypts with the very same certificate, SSTP connections fail.",
                [
                    new Evidence("TLS offload (portal)", "on"),
                    new Evidence("\"Use HTTP\" (RRAS SSL Certificate Binding)", "off (registry value UseHttps = 1)"),
                ],
                [
                    "In Routing and Remote Access, server Properties > Security > SSL Certificate Binding, choose \"Use HTTP\", or:",
                    $"Set-ItemProperty -Path '{SstpListenerFacts.ParametersKey}' -Name UseHttps -Type DWord -Value 0",
                    "Restart-Service RemoteAccess",
                ]),
        ];
    }

    private static List<string> FixSteps(string? sha256)
    {
        var hash = sha256 ?? "<sha256-of-the-load-balancer-certificate>";
        return
        [
            $"Enable-SSTPOffload -CertificateHash {hash} -Restart",
            $"Or set the registry value yourself: $hex = '{hash}'; $bytes = [byte[]]::new($hex.Length / 2); for ($i = 0; $i -lt $bytes.Length; $i++) {{ $bytes[$i] = [Convert]::ToByte($hex.Substring($i * 2, 2), 16) }}; Set-ItemProperty -Path '{SstpListenerFacts.ParametersKey}' -Name SHA256CertificateHash -Type Binary -Value $bytes",
            "Restart-Service RemoteAccess",
        ];
    }
}
