using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Domain.Diagnostics;

/// <summary>Where a reported certificate is installed.</summary>
public enum StoreKind
{
    My = 1,
    Disallowed = 2,
    NTAuth = 3,
    Root = 4,
    CA = 5,
}

/// <summary>A certificate as one server reported it in one store.</summary>
public sealed record StoredCertificate(StoreKind Store, string Sha1Thumbprint, string Sha256Thumbprint, string Subject, string Issuer, CertificateFacts Facts)
{
    /// <summary>Whether it is a CA certificate (basic constraints CA=true).</summary>
    public bool IsCertificateAuthority { get; init; }
}

/// <summary>An HTTP.sys SSL binding (<c>netsh http show sslcert</c>).</summary>
public sealed record BindingFacts(string IpPort, string CertificateHash, Guid ApplicationId, string? StoreName);

/// <summary>A RADIUS server an RRAS server uses, with its timeout.</summary>
public sealed record RadiusFacts(string Address, int TimeoutSeconds);

/// <summary>The Azure MFA NPS extension as an NPS server reported it.</summary>
public sealed record MfaExtensionFacts(bool Installed, string? CertificateSha1, bool? ClientServicePrincipalEnabled, bool? ConnectorServicePrincipalEnabled);

/// <summary>
/// Everything the rules may look at on one server: RRAS fields are set for RRAS servers, NPS fields for NPS servers.
/// Values the agent did not report are null; admin settings (public names, TLS offload, expected port) are the
/// portal's.
/// </summary>
public sealed record ServerFacts
{
    /// <summary>The portal's id for the server (its findings are stored under it).</summary>
    public Guid Id { get; init; }

    public required string Name { get; init; }
    public required bool IsRras { get; init; }
    public string? HostFqdn { get; init; }
    public string? Site { get; init; }

    /// <summary>When the agent last reported; rules over reported state do not fire for a server that never reported.</summary>
    public DateTimeOffset? LastReportAt { get; init; }

    public IReadOnlyList<StoredCertificate> Certificates { get; init; } = [];

    // RRAS: admin settings.
    public IReadOnlyList<string> PublicFqdns { get; init; } = [];
    public bool SstpEnabled { get; init; } = true;
    public bool Ikev2Enabled { get; init; } = true;

    /// <summary>The port the load balancer forwards SSTP to (the server record's listener port).</summary>
    public int ExpectedListenerPort { get; init; } = 443;

    /// <summary>The admin says TLS is terminated on the load balancer for this server.</summary>
    public bool TlsOffload { get; init; }

    /// <summary>SHA-256 of the certificate the load balancer presents (per server, else the site's), upper-case hex.</summary>
    public string? LoadBalancerCertificateSha256 { get; init; }

    // RRAS: reported.
    public int? ListenerPort { get; init; }
    public bool? UseHttps { get; init; }
    public string? Sha256CertificateHash { get; init; }
    public string? ConfiguredSstpSha1 { get; init; }
    public IReadOnlyList<BindingFacts> Bindings { get; init; } = [];
    public bool? Ikev2FragmentationEnabled { get; init; }
    public IReadOnlyList<RadiusFacts> RadiusServers { get; init; } = [];

    // NPS: reported.
    public MfaExtensionFacts? MfaExtension { get; init; }

    /// <summary>
    /// Whether <paramref name="certificate"/> is the Azure MFA NPS extension's: the one the agent says the extension uses,
    /// or one named like it (older ones stay behind after a renewal). It has a key and no EKU, yet it is never this
    /// server's TLS, PEAP or IKEv2 certificate.
    /// </summary>
    public bool IsMfaExtensionCertificate(StoredCertificate certificate) =>
        (Thumbprints.Normalize(MfaExtension?.CertificateSha1) is { } sha1 && Thumbprints.Normalize(certificate.Sha1Thumbprint) == sha1)
        || MfaExtensionCertificates.IsNamedLikeOne(certificate.Subject);
}

/// <summary>What rules need to know about the whole fleet and its settings.</summary>
public sealed record FleetFacts
{
    public required DateTimeOffset Now { get; init; }
    public IReadOnlyList<ServerFacts> Servers { get; init; } = [];

    /// <summary>SHA-1 thumbprints of the untrusted set (must be in every RRAS server's Disallowed store).</summary>
    public IReadOnlyCollection<string> UntrustedSha1 { get; init; } = [];

    /// <summary>The EAP "Connect to these servers" names configured for the fleet's clients; empty when not configured.</summary>
    public IReadOnlyList<string> EapServerNames { get; init; } = [];

    /// <summary>Users authenticate with phone-call MFA behind RADIUS (so RRAS's RADIUS timeout must be at least 60 s).</summary>
    public bool PhoneCallMfa { get; init; }

    /// <summary>Subjects (distinguished names) of the CAs that issue the fleet's user and device certificates; empty when not configured.</summary>
    public IReadOnlyList<string> ClientCertificateIssuers { get; init; } = [];

    /// <summary>Days before expiry that count as "expiring" (the alert thresholds; the largest is used).</summary>
    public IReadOnlyList<int> ExpiryThresholdDays { get; init; } = [30, 14, 7, 3, 1];

    /// <summary>The SSTP application id HTTP.sys bindings of SSTP carry.</summary>
    public static readonly Guid SstpApplicationId = Guid.Parse("ba195980-cd49-458b-9e23-c84ee0adcd75");
}
