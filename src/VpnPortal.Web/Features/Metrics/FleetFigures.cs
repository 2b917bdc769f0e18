using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Agents;
using VpnPortal.Domain.Alerts;
using VpnPortal.Domain.Diagnostics;
using VpnPortal.Web.Features.Alerts;

namespace VpnPortal.Web.Features.Metrics;

/// <summary>One value of a gauge with its labels.</summary>
public sealed record GaugeValue(double Value, KeyValuePair<string, object?>[] Labels)
{
    public Measurement<double> ToMeasurement() => new(Value, Labels);
}

/// <summary>
/// What the database says about the fleet at one moment, as the gauges show it: a handful of aggregate queries, nothing
/// tracked. Labels are server names, roles, states, rule ids and purposes; never a user, an address or a thumbprint.
/// </summary>
public sealed record FleetFigures(
    DateTimeOffset ReadAt,
    IReadOnlyList<GaugeValue> Servers,
    IReadOnlyList<GaugeValue> Sessions,
    IReadOnlyList<GaugeValue> OpenFindings,
    IReadOnlyList<GaugeValue> OpenAlerts,
    IReadOnlyList<GaugeValue> CertificateExpiryDays,
    IReadOnlyList<GaugeValue> OutboxMessages,
    double? OldestWaitingNotificationSeconds)
{
    /// <summary>Before the first read: no values at all, rather than zeros nobody counted.</summary>
    public static readonly FleetFigures None = new(DateTimeOffset.MinValue, [], [], [], [], [], [], null);

    private static readonly TunnelType[] TunnelTypes = [TunnelType.Sstp, TunnelType.Ikev2, TunnelType.L2tp, TunnelType.Pptp];
    private static readonly AgentState[] AgentStates = Enum.GetValues<AgentState>();
    private static readonly OutboxState[] Backlog = [OutboxState.Pending, OutboxState.Delivering, OutboxState.Failed, OutboxState.GaveUp];

    /// <summary>A server's agent as the servers gauge labels it: <see cref="AgentPresenceState"/>, or none for a server entered by hand.</summary>
    public enum AgentState
    {
        None,
        NeverSeen,
        Online,
        Late,
        Offline,
        Revoked,
    }

    public static async Task<FleetFigures> ReadAsync(PortalDbContext db, DateTimeOffset now, TimeSpan reportInterval, CancellationToken ct)
    {
        var servers = await db.Servers.AsNoTracking()
            .Select(s => new { s.Id, s.Name, s.Role, HasAgent = s.AgentId != null, s.Agent!.LastSeenAt, s.Agent.RevokedAt })
            .ToListAsync(ct);
        var names = servers.ToDictionary(s => s.Id, s => s.Name);

        var byState = servers
            .GroupBy(s => (s.Role, State: s.HasAgent ? StateOf(AgentPresence.Classify(s.LastSeenAt, s.RevokedAt, now, reportInterval)) : AgentState.None))
            .ToDictionary(g => g.Key, g => g.Count());
        var serverValues = Enum.GetValues<ServerRole>()
            .SelectMany(role => AgentStates.Select(state => Value(byState.GetValueOrDefault((role, state)), ("role", PortalMetrics.Label(role)), ("agent_state", PortalMetrics.Label(state)))))
            .ToList();

        var live = (await db.VpnSessions.AsNoTracking()
                .Where(s => s.EndedAt == null)
                .GroupBy(s => new { s.RrasServerId, s.TunnelType })
                .Select(g => new { g.Key.RrasServerId, g.Key.TunnelType, Count = g.Count() })
                .ToListAsync(ct))
            .ToDictionary(s => (s.RrasServerId, s.TunnelType), s => s.Count);
        // Every RRAS server has a value for every tunnel type, zero included, so a server whose last user left is not
        // mistaken for one that stopped being counted.
        var sessionValues = servers.Where(s => s.Role == ServerRole.Rras)
            .SelectMany(s => TunnelTypes.Select(t => Value(live.GetValueOrDefault((s.Id, t)), ("server", s.Name), ("tunnel_type", PortalMetrics.Label(t)))))
            .Concat(live.Where(l => !TunnelTypes.Contains(l.Key.TunnelType) && names.ContainsKey(l.Key.RrasServerId))
                .Select(l => Value(l.Value, ("server", names[l.Key.RrasServerId]), ("tunnel_type", PortalMetrics.Label(l.Key.TunnelType)))))
            .ToList();

        var findings = await db.DiagnosticFindings.AsNoTracking()
            .Where(f => f.ResolvedAt == null)
            .GroupBy(f => new { f.RuleId, f.Severity })
            .Select(g => new { g.Key.RuleId, g.Key.Severity, Count = g.Count() })
            .ToListAsync(ct);
        var findingValues = findings
            .Select(f => Value(f.Count, ("rule", f.RuleId), ("severity", PortalMetrics.Label((FindingSeverity)f.Severity))))
            .ToList();

        var alerts = (await db.Alerts.AsNoTracking()
                .Where(a => a.State != AlertState.Resolved)
                .GroupBy(a => new { a.Severity, a.State })
                .Select(g => new { g.Key.Severity, g.Key.State, Count = g.Count() })
                .ToListAsync(ct))
            .ToDictionary(a => ((AlertSeverity)a.Severity, a.State), a => a.Count);
        var alertValues = Enum.GetValues<AlertSeverity>()
            .SelectMany(severity => new[] { AlertState.Firing, AlertState.Acknowledged }.Select(state =>
                Value(alerts.GetValueOrDefault((severity, state)), ("severity", PortalMetrics.Label(severity)), ("state", PortalMetrics.Label(state)))))
            .ToList();

        var certificateValues = (await NearestExpiryAsync(db, ct))
            .Where(c => names.ContainsKey(c.ServerId))
            .Select(c => Value(Math.Round((c.NotAfter - now).TotalDays, 2), ("server", names[c.ServerId]), ("purpose", PortalMetrics.Label(c.Purpose))))
            .ToList();

        var outbox = await db.NotificationOutbox.AsNoTracking()
            .Where(m => m.State != OutboxState.Delivered)
            .GroupBy(m => m.State)
            .Select(g => new { State = g.Key, Count = g.Count(), Oldest = g.Min(m => m.CreatedAt) })
            .ToListAsync(ct);
        var outboxValues = Backlog
            .Select(state => Value(outbox.Where(o => o.State == state).Sum(o => o.Count), ("state", PortalMetrics.Label(state))))
            .ToList();
        var waiting = outbox.Where(o => o.State != OutboxState.GaveUp).Select(o => (DateTimeOffset?)o.Oldest).Min();

        return new FleetFigures(
            now, serverValues, sessionValues, findingValues, alertValues, certificateValues, outboxValues,
            waiting is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0);
    }

    private static AgentState StateOf(AgentPresenceState presence) => presence switch
    {
        AgentPresenceState.NeverSeen => AgentState.NeverSeen,
        AgentPresenceState.Online => AgentState.Online,
        AgentPresenceState.Late => AgentState.Late,
        AgentPresenceState.Offline => AgentState.Offline,
        _ => AgentState.Revoked,
    };

    private sealed record Expiry(Guid ServerId, CertificatePurpose Purpose, DateTimeOffset NotAfter);

    /// <summary>
    /// The certificate that expires first for each server and purpose (what the alerts call a purpose; Untrusted is
    /// none). A CA store has one purpose, so the database finds its earliest end; a Personal certificate's purpose
    /// depends on how its server uses it, so those (a few per server) are read and judged here.
    /// </summary>
    private static async Task<IEnumerable<Expiry>> NearestExpiryAsync(PortalDbContext db, CancellationToken ct)
    {
        var stores = await db.CertificateLocations.AsNoTracking()
            .Where(l => l.Store == CertificateStoreName.NTAuth || l.Store == CertificateStoreName.Root || l.Store == CertificateStoreName.CA)
            .GroupBy(l => new { l.ServerId, l.Store })
            .Select(g => new { g.Key.ServerId, g.Key.Store, NotAfter = g.Min(l => l.Certificate!.NotAfter) })
            .ToListAsync(ct);
        var inStores = stores.SelectMany(s => CertificatePurposes.PossibleIn((WatchedStore)(int)s.Store).Select(p => new Expiry(s.ServerId, p, s.NotAfter)));

        var uses = await WatchedCertificates.ServersAsync(db, ct);
        var personal = await db.CertificateLocations.AsNoTracking()
            .Where(l => l.Store == CertificateStoreName.My)
            .Select(l => new { l.ServerId, l.Certificate!.Sha1Thumbprint, l.Certificate.Subject, l.Certificate.EnhancedKeyUsages, l.Certificate.NotAfter })
            .ToListAsync(ct);
        var inPersonal = personal.Where(c => uses.ContainsKey(c.ServerId))
            .SelectMany(c => CertificatePurposes.Of(WatchedStore.My, c.Sha1Thumbprint, c.Subject, c.EnhancedKeyUsages, uses[c.ServerId].Use)
                .Select(p => new Expiry(c.ServerId, p, c.NotAfter)));

        return inStores.Concat(inPersonal)
            .GroupBy(e => (e.ServerId, e.Purpose))
            .Select(g => g.MinBy(e => e.NotAfter)!);
    }

    private static GaugeValue Value(double value, params (string Name, string Value)[] labels) =>
        new(value, labels.Select(l => new KeyValuePair<string, object?>(l.Name, l.Value)).ToArray());
}
