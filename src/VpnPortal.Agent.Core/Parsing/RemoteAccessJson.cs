using System.Net;
using System.Text.Json;
using VpnPortal.Contracts.Agents;
using static VpnPortal.Agent.Parsing.PowerShellJson;

namespace VpnPortal.Agent.Parsing;

/// <summary>
/// Reads the <c>ConvertTo-Json</c> output of the RemoteAccess module's cmdlets.
/// </summary>
/// <remarks>
/// Property names are those of the CIM classes behind the cmdlets (Microsoft's "RemoteAccessConnection",
/// "RemoteAccessMonitoringConnection" and "RemoteAccessConnectionSummary" class references in the RAMgmtPSProvider
/// documentation: ClientIPv4Address, ClientIPv6Address, HostName, ClientExternalAddress, TunnelType, AuthMethod,
/// ConnectionStartTime, ConnectionDuration, TotalBytesIn, TotalBytesOut, ConnectionType, UserName[]), plus the names the
/// cmdlet's format view shows (<c>ClientIPAddress</c>, <c>ConnectionDuration(s)</c>, from the Get-RemoteAccessConnectionStatistics
/// help example), so output selected either way reads the same. <c>Get-RemoteAccessRadius</c> objects carry ServerName,
/// Purpose (Authentication, Accounting, Otp), Score, Timeout (shown as "Timeout(s)") and Port (its help page).
/// </remarks>
public static class RemoteAccessJson
{
    public const string SessionsSource = "Get-RemoteAccessConnectionStatistics";
    public const string SummarySource = "Get-RemoteAccessConnectionStatisticsSummary";
    public const string RadiusSource = "Get-RemoteAccessRadius";

    // Bounds past which a value is a parsing or provider bug, not a fact: a session of more than ten years, a byte count
    // beyond 2^62, a start before RRAS had this cmdlet (Server 2012) or more than a day ahead of the agent's clock.
    private const long MaxDurationSeconds = 10L * 366 * 24 * 3600;
    private const long MaxBytes = 1L << 62;
    private static readonly DateTimeOffset EarliestStart = new(2012, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The VPN sessions. DirectAccess connections (ConnectionType "DA") are not VPN sessions and are left to the summary's
    /// DA counter; every other item must be a complete VPN session or the whole output is refused.
    /// </summary>
    public static IReadOnlyList<ReportedSession> ParseSessions(string json, DateTimeOffset now)
    {
        var items = Items(json, SessionsSource);
        var sessions = new List<ReportedSession>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var place = new Place(SessionsSource, i);
            if (OptionalString(item, place, "ConnectionType") is { } type && type.Equals("DA", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            sessions.Add(ParseSession(item, place, now));
        }

        return sessions;
    }

    private static ReportedSession ParseSession(JsonElement item, Place place, DateTimeOffset now)
    {
        var userNames = StringList(item, place, "UserName");
        if (userNames.Count == 0)
        {
            throw place.Error("UserName", "is missing or empty: every VPN session has a user (or, for a device tunnel, the device's name)");
        }

        // ClientIPAddress is the view's merged list; the CIM properties split it by family. Either may be present.
        var addresses = StringList(item, place, "ClientIPAddress")
            .Concat(StringList(item, place, "ClientIPv4Address"))
            .Concat(StringList(item, place, "ClientIPv6Address"))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        foreach (var address in addresses)
        {
            if (!IPAddress.TryParse(address, out _))
            {
                throw place.Error("ClientIPAddress", $"'{address}' is not an IP address");
            }
        }

        var external = OptionalString(item, place, "ClientExternalAddress");
        var start = RequiredDate(item, place, "ConnectionStartTime");
        if (start < EarliestStart || start > now.AddDays(1))
        {
            throw place.Error("ConnectionStartTime", $"{start:O} is not a plausible start time (the agent's clock says {now:O})");
        }

        return new ReportedSession
        {
            UserNames = userNames,
            HostName = OptionalString(item, place, "HostName"),
            ClientExternalAddress = external,
            ClientIpAddresses = addresses,
            TunnelType = TunnelType(item, place),
            AuthMethod = OptionalString(item, place, "AuthMethod"),
            ConnectionStartTime = start,
            ConnectionDurationSeconds = RequiredInteger(item, place, 0, MaxDurationSeconds, "ConnectionDuration"),
            TotalBytesIn = RequiredInteger(item, place, 0, MaxBytes, "TotalBytesIn"),
            TotalBytesOut = RequiredInteger(item, place, 0, MaxBytes, "TotalBytesOut"),
        };
    }

    private static ReportedTunnelType TunnelType(JsonElement item, Place place)
    {
        if (Property(item, "TunnelType") is not { } value)
        {
            throw place.Error("TunnelType", "is missing");
        }

        // Names only. The CIM property is a string, but a 5.1 pipeline that keeps an enum-typed projection serialises the
        // number, whose meaning Microsoft does not document for this class; guessing it would mislabel sessions, so the
        // collection script stringifies it ([string]$_.TunnelType) and a number here is reported as such.
        if (value.ValueKind == JsonValueKind.Number)
        {
            throw place.Error("TunnelType", $"came as the number {value.GetRawText()}; the collection script must send its name ([string]$_.TunnelType)");
        }

        var name = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : throw place.Error("TunnelType", $"expected a name, found {Describe(value)}");
        return name.ToUpperInvariant() switch
        {
            "SSTP" => ReportedTunnelType.Sstp,
            "IKEV2" => ReportedTunnelType.Ikev2,
            "L2TP" => ReportedTunnelType.L2tp,
            "PPTP" => ReportedTunnelType.Pptp,
            _ => throw place.Error("TunnelType", $"'{name}' is not a VPN tunnel type this agent reports (Sstp, Ikev2, L2tp, Pptp)"),
        };
    }

    /// <summary>The server-wide counters. Exactly one object (or a one-element array) is expected.</summary>
    public static ConnectionSummary ParseSummary(string json)
    {
        var items = Items(json, SummarySource);
        if (items.Count != 1)
        {
            throw new OutputFormatException(SummarySource, items.Count == 0 ? "the output is empty" : $"expected one summary, found {items.Count}");
        }

        var item = items[0];
        var place = new Place(SummarySource, null);
        const long maxCount = int.MaxValue;
        var summary = new ConnectionSummary
        {
            TotalConnections = (int)RequiredInteger(item, place, 0, maxCount, "TotalConnections"),
            TotalVpnConnections = (int)(OptionalInteger(item, place, 0, maxCount, "TotalVpnConnections") ?? 0),
            TotalDaConnections = (int)(OptionalInteger(item, place, 0, maxCount, "TotalDAConnections") ?? 0),
            TotalUniqueUsers = (int)RequiredInteger(item, place, 0, maxCount, "TotalUniqueUsers"),
            MaxConcurrentConnections = (int)(OptionalInteger(item, place, 0, maxCount, "MaxConcurrentConnections") ?? 0),
            TotalCumulativeConnections = OptionalInteger(item, place, 0, MaxBytes, "TotalCumulativeConnections") ?? 0,
            TotalBytesIn = RequiredInteger(item, place, 0, MaxBytes, "TotalBytesIn"),
            TotalBytesOut = RequiredInteger(item, place, 0, MaxBytes, "TotalBytesOut"),
        };

        if (summary.TotalUniqueUsers > summary.TotalConnections)
        {
            throw place.Error("TotalUniqueUsers", $"{summary.TotalUniqueUsers} unique users for {summary.TotalConnections} connections is impossible");
        }

        return summary;
    }

    /// <summary>
    /// The RADIUS servers RRAS authenticates VPN users with (Purpose "Authentication"); accounting and DirectAccess OTP
    /// servers are other roles and are not reported. <see cref="ReportedRadiusServer.Priority"/> carries RRAS's initial score.
    /// </summary>
    public static IReadOnlyList<ReportedRadiusServer> ParseRadiusServers(string json)
    {
        var items = Items(json, RadiusSource);
        var servers = new List<ReportedRadiusServer>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var place = new Place(RadiusSource, i);
            if (Property(item, "Purpose") is { ValueKind: JsonValueKind.Number } number)
            {
                throw place.Error("Purpose", $"came as the number {number.GetRawText()}; the collection script must send its name ([string]$_.Purpose)");
            }

            var purpose = OptionalString(item, place, "Purpose") ?? throw place.Error("Purpose", "is missing");
            if (!purpose.Equals("Authentication", StringComparison.OrdinalIgnoreCase))
            {
                if (!purpose.Equals("Accounting", StringComparison.OrdinalIgnoreCase) && !purpose.Equals("Otp", StringComparison.OrdinalIgnoreCase))
                {
                    throw place.Error("Purpose", $"'{purpose}' is not Authentication, Accounting or Otp");
                }

                continue;
            }

            servers.Add(new ReportedRadiusServer
            {
                Address = OptionalString(item, place, "ServerName") ?? throw place.Error("ServerName", "is missing"),
                Port = (int)(OptionalInteger(item, place, 1, 65535, "Port") ?? 1812),
                // RRAS accepts a timeout from 1 s; an hour is far past any sensible RADIUS timeout (phone-call MFA needs 60 s).
                TimeoutSeconds = (int)RequiredInteger(item, place, 1, 3600, "Timeout"),
                Priority = (int)(OptionalInteger(item, place, 0, 255, "Score") ?? 1),
            });
        }

        return servers;
    }
}
