namespace VpnPortal.Agent.Simulation;

/// <summary>How a simulated server behaves. Shared by every server of a fleet; each server draws its own randomness from it.</summary>
public sealed record SimulationOptions
{
    /// <summary>Makes a server's behaviour repeatable (tests); null draws a fresh seed per server.</summary>
    public int? Seed { get; init; }

    /// <summary>The number of live sessions an RRAS server hovers around (arrivals and departures balance there).</summary>
    public int TargetSessions { get; init; } = 40;

    public TimeSpan MeanSessionDuration { get; init; } = TimeSpan.FromHours(2);

    /// <summary>The share of sessions that are Always On VPN device tunnels (IKEv2, machine certificate).</summary>
    public double DeviceTunnelShare { get; init; } = 0.25;

    /// <summary>The share of user tunnels over SSTP; the rest use IKEv2.</summary>
    public double SstpShareOfUserTunnels { get; init; } = 0.55;

    /// <summary>DNS domain of users (UPN suffix) and devices.</summary>
    public string Domain { get; init; } = "corp.example";

    /// <summary>NetBIOS domain for DOMAIN\user names.</summary>
    public string NetbiosDomain { get; init; } = "CORP";

    /// <summary>The name clients dial: subject and SAN of the SSTP/IKEv2 certificate.</summary>
    public string PublicFqdn { get; init; } = "vpn.corp.example";

    /// <summary>The RADIUS servers RRAS servers point to (the simulated NPS servers' FQDNs).</summary>
    public IReadOnlyList<string> RadiusServers { get; init; } = ["NPS-SIM-01.corp.example"];

    public int RadiusTimeoutSeconds { get; init; } = 60;

    /// <summary>
    /// How often session arrivals and departures are looked at for an early snapshot, like a real host polling the
    /// accounting store: without it, 400 sessions would produce a change every few seconds on every server.
    /// Certificate store changes signal at once.
    /// </summary>
    public TimeSpan SessionChangeCheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a restart-remote-access takes: the service is down (no listener, no sessions) for this long and the command
    /// answers when it is over. Zero restarts at once (tests that are not about the wait). Timed with the server's
    /// <see cref="TimeProvider"/>.
    /// </summary>
    public TimeSpan RemoteAccessRestartDuration { get; init; } = TimeSpan.FromSeconds(1.5);
}
