using VpnPortal.Data.Auditing;

namespace VpnPortal.Data.Entities;

/// <summary>A Windows server the portal manages: RRAS (VPN) or NPS (RADIUS).</summary>
public abstract class ManagedServer : IVersioned
{
    public Guid Id { get; set; }
    public ServerRole Role { get; protected set; }

    /// <summary>The server's own host name (unique across the fleet).</summary>
    public string Name { get; set; } = "";

    /// <summary>The server's own DNS name, used by admins and in findings; not what clients dial.</summary>
    public string? HostFqdn { get; set; }

    public string? Site { get; set; }
    public string? Notes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the server's agent last reported; null for servers entered by hand.</summary>
    public DateTimeOffset? LastReportAt { get; set; }

    public Guid? AgentId { get; set; }
    public Agent? Agent { get; set; }

    public Guid Version { get; set; }

    public List<CertificateLocation> CertificateLocations { get; set; } = [];
}

public enum ServerRole
{
    Rras = 1,
    Nps = 2,
}

[Flags]
public enum VpnProtocols
{
    None = 0,
    Sstp = 1,
    Ikev2 = 2,
    L2tp = 4,
    Pptp = 8,
}

[Audited("rras-server")]
public sealed class RrasServer : ManagedServer
{
    public RrasServer() => Role = ServerRole.Rras;

    /// <summary>The names clients dial (load balancer or server), the first being the main one.</summary>
    public List<string> PublicFqdns { get; set; } = [];

    public VpnProtocols Protocols { get; set; } = VpnProtocols.Sstp | VpnProtocols.Ikev2;

    /// <summary>The SSTP listener port admins expect (the port the load balancer forwards to).</summary>
    public int SstpListenerPort { get; set; } = 443;

    /// <summary>TLS is terminated on the load balancer, so RRAS must know the public certificate's SHA-256.</summary>
    public bool TlsOffload { get; set; }

    /// <summary>SHA-256 of the certificate the load balancer presents to clients (needed when offloading).</summary>
    public string? LoadBalancerCertificateSha256 { get; set; }

    /// <summary>State of the SstpSvc parameters and configured certificate as last reported by the agent.</summary>
    public SstpReportedState Sstp { get; set; } = new();

    /// <summary>RRAS's own counters (Get-RemoteAccessConnectionStatisticsSummary) from the last report.</summary>
    public ConnectionCounters Counters { get; set; } = new();

    /// <summary>EnableServerFragmentation under RemoteAccess\Parameters\Ikev2 as reported; null if unknown.</summary>
    public bool? Ikev2FragmentationEnabled { get; set; }

    public List<SstpBinding> SstpBindings { get; set; } = [];
    public List<RadiusServerSetting> RadiusServers { get; set; } = [];
    public List<VpnSession> Sessions { get; set; } = [];
}

/// <summary>What the agent read from HKLM\...\SstpSvc\Parameters and the RRAS SSTP configuration.</summary>
public sealed class SstpReportedState
{
    public int? ListenerPort { get; set; }

    /// <summary>False when RRAS is set to "Use HTTP" (TLS offloaded to the load balancer).</summary>
    public bool? UseHttps { get; set; }

    public string? Sha256CertificateHash { get; set; }
    public bool? Sha256CertificateHashSetByAdmin { get; set; }

    /// <summary>SHA-1 thumbprint of the certificate RRAS is configured to use for SSTP.</summary>
    public string? ConfiguredCertificateSha1 { get; set; }
}

/// <summary>The server-wide counters RRAS keeps, as last reported.</summary>
public sealed class ConnectionCounters
{
    public int TotalConnections { get; set; }
    public int UniqueUsers { get; set; }
    public int MaxConcurrentConnections { get; set; }
    public long CumulativeConnections { get; set; }
    public long TotalBytesIn { get; set; }
    public long TotalBytesOut { get; set; }
}

public enum MfaExtensionState
{
    Unknown = 0,
    NotInstalled = 1,
    Installed = 2,
}

[Audited("nps-server")]
public sealed class NpsServer : ManagedServer
{
    public NpsServer() => Role = ServerRole.Nps;

    /// <summary>The RADIUS timeout RRAS servers use for this NPS server; phone-call MFA needs at least 60 s.</summary>
    public int RadiusTimeoutSeconds { get; set; } = 60;

    public MfaExtensionState MfaExtension { get; set; }
    public string? MfaExtensionVersion { get; set; }

    /// <summary>SHA-1 of the certificate the MFA NPS extension authenticates with, as reported.</summary>
    public string? MfaExtensionCertificateSha1 { get; set; }

    /// <summary>Whether the "Azure Multi-Factor Auth Client" service principal is enabled (null: not reported).</summary>
    public bool? MfaClientServicePrincipalEnabled { get; set; }

    /// <summary>Whether the "Azure Multi-Factor Auth Connector" service principal is enabled (null: not reported).</summary>
    public bool? MfaConnectorServicePrincipalEnabled { get; set; }
}

/// <summary>A RADIUS server an RRAS server is configured to use, as reported by its agent.</summary>
public sealed class RadiusServerSetting
{
    public Guid Id { get; set; }
    public Guid RrasServerId { get; set; }
    public string Address { get; set; } = "";
    public int Port { get; set; } = 1812;
    public int TimeoutSeconds { get; set; }
    public int Priority { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
}

/// <summary>An HTTP.sys SSL binding (netsh http show sslcert) on an RRAS server.</summary>
public sealed class SstpBinding
{
    public Guid Id { get; set; }
    public Guid RrasServerId { get; set; }

    /// <summary>"0.0.0.0:443" or "[::]:443".</summary>
    public string IpPort { get; set; } = "";

    /// <summary>SHA-1 thumbprint of the bound certificate (netsh's "Certificate Hash").</summary>
    public string CertificateHash { get; set; } = "";

    public Guid ApplicationId { get; set; }
    public string StoreName { get; set; } = "MY";
    public DateTimeOffset LastSeenAt { get; set; }
}
