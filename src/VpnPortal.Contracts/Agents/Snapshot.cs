using System.Text.Json.Serialization;

namespace VpnPortal.Contracts.Agents;

/// <summary>
/// The full state of one server as its agent sees it. Sent at start, at the report interval and when something
/// changed. The portal applies a snapshot only if its <see cref="Sequence"/> is higher than the last one applied.
/// </summary>
public sealed record AgentSnapshot
{
    /// <summary>Strictly increasing per agent; replayed or out-of-order snapshots are ignored.</summary>
    public required long Sequence { get; init; }

    public required DateTimeOffset TakenAt { get; init; }
    public required string MachineName { get; init; }
    public string? HostFqdn { get; init; }
    public required string AgentVersion { get; init; }

    /// <summary>Present exactly when the agent's role is RRAS.</summary>
    public RrasState? Rras { get; init; }

    /// <summary>Present exactly when the agent's role is NPS.</summary>
    public NpsState? Nps { get; init; }

    /// <summary>The certificates in Local Computer My and Disallowed (RRAS), My and the enterprise NTAuth store (NPS).</summary>
    public required IReadOnlyList<ReportedCertificate> Certificates { get; init; }
}

/// <summary>What an RRAS server reports beyond its certificates.</summary>
public sealed record RrasState
{
    /// <summary>Live connections, as <c>Get-RemoteAccessConnectionStatistics</c> lists them.</summary>
    public required IReadOnlyList<ReportedSession> Sessions { get; init; }

    /// <summary>The counters of <c>Get-RemoteAccessConnectionStatisticsSummary</c>.</summary>
    public required ConnectionSummary Summary { get; init; }

    /// <summary>HTTP.sys SSL bindings on the SSTP listener port (IPv4 and IPv6), as <c>netsh http show sslcert</c> shows them.</summary>
    public required IReadOnlyList<ReportedSslBinding> SslBindings { get; init; }

    public required SstpParameters Sstp { get; init; }

    /// <summary>SHA-1 thumbprint of the certificate RRAS is configured to use for SSTP; null when none is chosen (default selection).</summary>
    public string? ConfiguredSstpCertificateSha1 { get; init; }

    /// <summary><c>EnableServerFragmentation</c> under RemoteAccess\Parameters\Ikev2; null when the value is absent.</summary>
    public bool? Ikev2FragmentationEnabled { get; init; }

    public required IReadOnlyList<ReportedRadiusServer> RadiusServers { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ReportedTunnelType>))]
public enum ReportedTunnelType
{
    Sstp = 1,
    Ikev2 = 2,
    L2tp = 3,
    Pptp = 4,
}

/// <summary>One VPN connection. <c>UserNames</c> and <c>ClientIpAddresses</c> are arrays in the cmdlet's output too.</summary>
public sealed record ReportedSession
{
    /// <summary>User names (UPN or DOMAIN\user); a device tunnel carries the device FQDN. At least one.</summary>
    public required IReadOnlyList<string> UserNames { get; init; }

    public string? HostName { get; init; }

    /// <summary>The address the client connected from (the load balancer's, when it does not preserve it).</summary>
    public string? ClientExternalAddress { get; init; }

    /// <summary>The tunnel addresses RRAS assigned to the client (IPv4 and/or IPv6).</summary>
    public IReadOnlyList<string> ClientIpAddresses { get; init; } = [];

    public required ReportedTunnelType TunnelType { get; init; }

    /// <summary>E.g. "EAP", "MSCHAPv2", "MachineCertificate".</summary>
    public string? AuthMethod { get; init; }

    public required DateTimeOffset ConnectionStartTime { get; init; }
    public required long ConnectionDurationSeconds { get; init; }
    public required long TotalBytesIn { get; init; }
    public required long TotalBytesOut { get; init; }
}

/// <summary>The server-wide counters RRAS keeps (<c>Get-RemoteAccessConnectionStatisticsSummary</c>).</summary>
public sealed record ConnectionSummary
{
    public required int TotalConnections { get; init; }
    public int TotalVpnConnections { get; init; }
    public int TotalDaConnections { get; init; }
    public required int TotalUniqueUsers { get; init; }
    public int MaxConcurrentConnections { get; init; }
    public long TotalCumulativeConnections { get; init; }
    public required long TotalBytesIn { get; init; }
    public required long TotalBytesOut { get; init; }
}

/// <summary>One HTTP.sys SSL binding.</summary>
public sealed record ReportedSslBinding
{
    /// <summary>"0.0.0.0:443" or "[::]:443".</summary>
    public required string IpPort { get; init; }

    /// <summary>SHA-1 thumbprint of the bound certificate (netsh's "Certificate Hash"), hex.</summary>
    public required string CertificateHash { get; init; }

    public required Guid ApplicationId { get; init; }

    /// <summary>netsh's "Certificate Store Name" (normally "MY"); null when netsh shows "(null)".</summary>
    public string? CertificateStoreName { get; init; }
}

/// <summary>The values under HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters.</summary>
public sealed record SstpParameters
{
    /// <summary><c>ListenerPort</c> (443 when the value is absent).</summary>
    public required int ListenerPort { get; init; }

    /// <summary>False when RRAS is set to "Use HTTP" because TLS is offloaded to a load balancer.</summary>
    public required bool UseHttps { get; init; }

    /// <summary><c>SHA256CertificateHash</c> as hex; null when the value is absent.</summary>
    public string? Sha256CertificateHash { get; init; }

    /// <summary>True when the hash was set by an administrator (TLS offload) rather than by RRAS itself.</summary>
    public bool Sha256CertificateHashSetByAdmin { get; init; }
}

/// <summary>A RADIUS authentication server RRAS is configured to use.</summary>
public sealed record ReportedRadiusServer
{
    public required string Address { get; init; }
    public int Port { get; init; } = 1812;
    public required int TimeoutSeconds { get; init; }
    public int Priority { get; init; } = 1;
}

/// <summary>What an NPS server reports beyond its certificates (server certificates in My, CA certificates in NTAuth).</summary>
public sealed record NpsState
{
    public required MfaExtensionReport MfaExtension { get; init; }
}

/// <summary>The Azure MFA NPS extension on an NPS server.</summary>
public sealed record MfaExtensionReport
{
    public required bool Installed { get; init; }
    public string? Version { get; init; }

    /// <summary>SHA-1 thumbprint of the certificate the extension authenticates to Entra ID with.</summary>
    public string? CertificateSha1 { get; init; }

    /// <summary>Whether "Azure Multi-Factor Auth Client" (981f26a1-...) is enabled; null when the agent cannot tell.</summary>
    public bool? ClientServicePrincipalEnabled { get; init; }

    /// <summary>Whether "Azure Multi-Factor Auth Connector" (1f5530b3-...) is enabled; null when the agent cannot tell.</summary>
    public bool? ConnectorServicePrincipalEnabled { get; init; }
}

/// <summary>Local Computer stores (and the enterprise NTAuth store) agents read and commands change.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CertificateStoreKind>))]
public enum CertificateStoreKind
{
    My = 1,
    Disallowed = 2,
    NTAuth = 3,
    Root = 4,
    CA = 5,
}

/// <summary>A certificate found in one store. The same certificate in two stores is reported twice.</summary>
public sealed record ReportedCertificate
{
    public required CertificateStoreKind Store { get; init; }

    /// <summary>Upper-case hex, 40 characters.</summary>
    public required string Sha1Thumbprint { get; init; }

    /// <summary>Upper-case hex, 64 characters.</summary>
    public required string Sha256Thumbprint { get; init; }

    public required string Subject { get; init; }
    public IReadOnlyList<string> SubjectAlternativeNames { get; init; } = [];
    public required string Issuer { get; init; }
    public required string SerialNumber { get; init; }
    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>EKU OIDs; empty when the certificate has no EKU extension (all purposes).</summary>
    public IReadOnlyList<string> EnhancedKeyUsages { get; init; } = [];

    public IReadOnlyList<string> CrlDistributionPoints { get; init; } = [];

    /// <summary>"RSA", "ECDSA", ...</summary>
    public required string KeyAlgorithm { get; init; }

    public required int KeySize { get; init; }
    public bool IsCertificateAuthority { get; init; }
    public required bool HasPrivateKey { get; init; }

    /// <summary>The DER encoding, base64; the portal checks it hashes to <see cref="Sha1Thumbprint"/>.</summary>
    public required string RawData { get; init; }

    /// <summary>
    /// The parts of the certificate the agent could not read, one line each ("subject alternative names unreadable: ...");
    /// those parts are reported empty. Empty when everything could be read, and from agents older than this field.
    /// </summary>
    public IReadOnlyList<string> ReadProblems { get; init; } = [];
}

/// <summary>The portal's answer to a well-formed snapshot: applied, or ignored (replayed or out of order) with why.</summary>
public sealed record SnapshotReceipt
{
    public required bool Applied { get; init; }
    public string? Reason { get; init; }

    /// <summary>
    /// The highest sequence the portal has applied for this agent. An agent that lost its state (a restored
    /// disk) continues above it instead of being ignored until its counter catches up.
    /// </summary>
    public long LastAppliedSequence { get; init; }
}
