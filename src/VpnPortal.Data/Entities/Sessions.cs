namespace VpnPortal.Data.Entities;

public enum TunnelType
{
    Unknown = 0,
    Sstp = 1,
    Ikev2 = 2,
    L2tp = 3,
    Pptp = 4,
}

/// <summary>A VPN connection as Get-RemoteAccessConnectionStatistics reports it on one RRAS server.</summary>
public sealed class VpnSession
{
    public Guid Id { get; set; }
    public Guid RrasServerId { get; set; }
    public RrasServer? RrasServer { get; set; }

    /// <summary>The user name (UPN or DOMAIN\user) or, for a device tunnel, the device FQDN.</summary>
    public string UserName { get; set; } = "";

    public bool IsDeviceTunnel { get; set; }
    public string? HostName { get; set; }
    public string? ClientExternalAddress { get; set; }
    public string? ClientInternalAddress { get; set; }
    public TunnelType TunnelType { get; set; }
    public string? AuthMethod { get; set; }
    public DateTimeOffset ConnectionStartTime { get; set; }
    public long BytesIn { get; set; }
    public long BytesOut { get; set; }

    /// <summary>The report that last contained this session.</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>When a report no longer contained it; null while live.</summary>
    public DateTimeOffset? EndedAt { get; set; }
}
