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

    /// <summary>Identifies the connection across reports (RRAS gives none): tunnel, start time, user and addresses.</summary>
    public string SessionKey { get; set; } = "";

    /// <summary>The user name (UPN or DOMAIN\user) or, for a device tunnel, the device FQDN.</summary>
    public string UserName { get; set; } = "";

    /// <summary>Every name RRAS gave for the connection (the cmdlet reports several, e.g. DOMAIN\user and the UPN).</summary>
    public List<string> UserNames { get; set; } = [];

    public bool IsDeviceTunnel { get; set; }
    public string? HostName { get; set; }
    public string? ClientExternalAddress { get; set; }
    public string? ClientInternalAddress { get; set; }
    public TunnelType TunnelType { get; set; }
    public string? AuthMethod { get; set; }
    public DateTimeOffset ConnectionStartTime { get; set; }
    public long BytesIn { get; set; }
    public long BytesOut { get; set; }

    /// <summary>When the portal first received a report with this session (the portal's clock, unlike the start time).</summary>
    public DateTimeOffset FirstSeenAt { get; set; }

    /// <summary>
    /// When a report last showed traffic on this session (its byte counters moved), or first reported it: a session
    /// RRAS still lists long after this is stale.
    /// </summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>When a report no longer contained it; null while live.</summary>
    public DateTimeOffset? EndedAt { get; set; }
}

/// <summary>Connection totals of one RRAS server over a five-minute bucket, for the connections-over-time chart.</summary>
public sealed class ConnectionSample
{
    public Guid ServerId { get; set; }

    /// <summary>UTC start of the bucket (a multiple of <see cref="BucketMinutes"/>).</summary>
    public DateTimeOffset BucketStart { get; set; }

    /// <summary>The highest number of live sessions reported in the bucket.</summary>
    public int Sessions { get; set; }

    public int UniqueUsers { get; set; }
    public int SstpSessions { get; set; }
    public int Ikev2Sessions { get; set; }
    public int DeviceTunnels { get; set; }

    /// <summary>The last reported totals in the bucket.</summary>
    public long BytesIn { get; set; }

    public long BytesOut { get; set; }

    public const int BucketMinutes = 5;

    public static DateTimeOffset BucketOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        var ticks = TimeSpan.FromMinutes(BucketMinutes).Ticks;
        return new DateTimeOffset(utc.Ticks - utc.Ticks % ticks, TimeSpan.Zero);
    }
}
