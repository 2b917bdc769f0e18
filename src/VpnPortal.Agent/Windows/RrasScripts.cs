using System.Globalization;

namespace VpnPortal.Agent.Windows;

/// <summary>
/// The PowerShell the Windows host runs. Every value from outside (a user name, a thumbprint) is read from
/// <c>$env:VPNPORTAL_ARG_*</c>; nothing is ever formatted into these texts.
/// </summary>
internal static class RrasScripts
{
    public const string SessionsSection = "sessions";
    public const string SummarySection = "summary";
    public const string RadiusSection = "radius";
    public const string SstpCertificateSection = "sstpcertificate";

    /// <summary>
    /// Every script the Windows host runs, those that take values with placeholder ones, so each can be parsed and checked
    /// for what Windows PowerShell 5.1 accepts without a server at hand.
    /// </summary>
    public static IReadOnlyList<PowerShellScript> Catalogue() =>
    [
        Collect,
        ConnectionCount,
        DisconnectUser("CORP\\alice"),
        DisconnectSessions(["10.20.30.41", "fd00:20:30::41"]),
        SetSstpCertificate(new string('A', 40)),
        RestartRemoteAccess(TimeSpan.FromSeconds(60)),
    ];

    /// <summary>
    /// One run for everything RRAS reports through PowerShell (loading the RemoteAccess module is the expensive part).
    /// Enums and dates are converted here, in one known form: names via [string] (5.1 would write enum numbers) and
    /// dates as UTC ISO 8601 (5.1 would write \/Date()\/); the parsers accept the other forms too.
    /// </summary>
    public static readonly PowerShellScript Collect = new("read the RRAS sessions, counters, RADIUS servers and SSTP certificate", """
        Import-Module RemoteAccess
        function Write-Section([string] $Name, $Json) { "##vpnportal:section $Name"; if ($null -ne $Json) { $Json } }

        $sessions = @(Get-RemoteAccessConnectionStatistics | ForEach-Object {
            [pscustomobject]@{
                UserName              = @($_.UserName | ForEach-Object { [string]$_ })
                HostName              = [string]$_.HostName
                ClientIPv4Address     = [string]$_.ClientIPv4Address
                ClientIPv6Address     = [string]$_.ClientIPv6Address
                ClientExternalAddress = [string]$_.ClientExternalAddress
                TunnelType            = [string]$_.TunnelType
                AuthMethod            = [string]$_.AuthMethod
                ConnectionType        = [string]$_.ConnectionType
                ConnectionStartTime   = if ($_.ConnectionStartTime) { $_.ConnectionStartTime.ToUniversalTime().ToString('o') } else { $null }
                ConnectionDuration    = $_.ConnectionDuration
                TotalBytesIn          = $_.TotalBytesIn
                TotalBytesOut         = $_.TotalBytesOut
            }
        })
        Write-Section 'sessions' (ConvertTo-Json -InputObject $sessions -Depth 3 -Compress)

        $summary = Get-RemoteAccessConnectionStatisticsSummary | Select-Object TotalConnections, TotalDAConnections, TotalVpnConnections,
            TotalUniqueUsers, MaxConcurrentConnections, TotalCumulativeConnections, TotalBytesIn, TotalBytesOut
        Write-Section 'summary' ($summary | ConvertTo-Json -Compress)

        $radius = @(Get-RemoteAccessRadius | ForEach-Object {
            [pscustomobject]@{ ServerName = [string]$_.ServerName; Purpose = [string]$_.Purpose; Score = $_.Score; Timeout = $_.Timeout; Port = $_.Port }
        })
        Write-Section 'radius' (ConvertTo-Json -InputObject $radius -Depth 2 -Compress)

        $remoteAccess = Get-RemoteAccess
        Write-Section 'sstpcertificate' $(if ($remoteAccess.SslCertificate) { $remoteAccess.SslCertificate.Thumbprint } else { $null })
        """);

    /// <summary>The cheap half of the change probe: how many connections RRAS holds now.</summary>
    public static readonly PowerShellScript ConnectionCount = new("count the RRAS connections", """
        Import-Module RemoteAccess
        [string](Get-RemoteAccessConnectionStatisticsSummary).TotalConnections
        """);

    /// <summary>
    /// Ends every session of one user (or device, by its FQDN). A server where the user has no session answers
    /// "not-connected": a disconnect goes to every server, and the user is on only some of them.
    /// </summary>
    public static PowerShellScript DisconnectUser(string userName) => new("disconnect the user", """
        Import-Module RemoteAccess
        $user = $env:VPNPORTAL_ARG_USERNAME
        $live = @(Get-RemoteAccessConnectionStatistics | Where-Object { @($_.UserName) -contains $user })
        if ($live.Count -eq 0) { 'not-connected'; return }
        Disconnect-VpnUser -UserName $user
        "disconnected $($live.Count)"
        """, new Dictionary<string, string> { ["USERNAME"] = userName });

    /// <summary>
    /// Ends single connections by their tunnel address (Disconnect-VpnUser -HostIPAddress), for stale and duplicate
    /// sessions. Addresses come one per line; those no live connection holds are answered as "absent". A connection's
    /// addresses are the CIM class's ClientIPv4Address and ClientIPv6Address; ClientIPAddress, the name the cmdlet's table
    /// shows, is read too, should an object carry it.
    /// </summary>
    public static PowerShellScript DisconnectSessions(IReadOnlyList<string> tunnelAddresses) => new("disconnect single connections", """
        Import-Module RemoteAccess
        $wanted = @($env:VPNPORTAL_ARG_ADDRESSES -split "`n" | Where-Object { $_ })
        $held = @(Get-RemoteAccessConnectionStatistics |
            ForEach-Object { @($_.ClientIPAddress) + @($_.ClientIPv4Address) + @($_.ClientIPv6Address) } |
            Where-Object { $_ } | ForEach-Object { [string]$_ })
        $live = @($wanted | Where-Object { $held -contains $_ })
        if ($live.Count -gt 0) { Disconnect-VpnUser -HostIPAddress $live }
        "disconnected $($live.Count) absent $($wanted.Count - $live.Count)"
        """, new Dictionary<string, string> { ["ADDRESSES"] = string.Join('\n', tunnelAddresses) });

    /// <summary>
    /// Points RRAS's SSTP listener at a certificate in Local Computer\Personal. RRAS rebinds HTTP.sys and records the hash
    /// when the RemoteAccess service starts, and the RRAS console itself restarts the service after this change, so the
    /// service is stopped around Set-RemoteAccess and always started again, even when the change fails.
    /// </summary>
    public static PowerShellScript SetSstpCertificate(string sha1Thumbprint) => new("make RRAS use the certificate for SSTP", """
        Import-Module RemoteAccess
        $certificate = Get-Item -LiteralPath ('Cert:\LocalMachine\My\' + $env:VPNPORTAL_ARG_THUMBPRINT)
        Stop-Service -Name RemoteAccess -Force
        try { Set-RemoteAccess -SslCertificate $certificate }
        finally { Start-Service -Name RemoteAccess }
        'done'
        """, new Dictionary<string, string> { ["THUMBPRINT"] = sha1Thumbprint });

    /// <summary>
    /// Restarts RemoteAccess (and with it SSTP, which binds its certificate and reads its registry settings as it starts)
    /// and answers "running" once the service runs again. <c>-Force</c> because other services may depend on it;
    /// warnings off because Restart-Service writes "waiting for service to start" every second while it waits.
    /// </summary>
    public static PowerShellScript RestartRemoteAccess(TimeSpan waitForRunning) => new("restart the RemoteAccess service", """
        Restart-Service -Name RemoteAccess -Force -WarningAction SilentlyContinue
        $service = Get-Service -Name RemoteAccess
        $wait = [int]$env:VPNPORTAL_ARG_WAITSECONDS
        try { $service.WaitForStatus('Running', [TimeSpan]::FromSeconds($wait)) }
        catch { $service.Refresh(); throw "RemoteAccess is $($service.Status), not Running, $wait s after it was restarted." }
        'running'
        """, new Dictionary<string, string> { ["WAITSECONDS"] = ((int)Math.Ceiling(waitForRunning.TotalSeconds)).ToString(CultureInfo.InvariantCulture) });
}
