using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Alerts;
using VpnPortal.Domain.Diagnostics;
using VpnPortal.Web.Features.Notifications;

namespace VpnPortal.Web.Features.Alerts;

/// <summary>
/// Critical diagnostics findings as alerts (<see cref="AlertsOptions.RaiseForCriticalFindings"/>): one alert per finding,
/// opened in the evaluation's own save when the finding opens and resolved in the save that resolves it, so an alert
/// exists exactly when its finding is open, also with two portal nodes. Its first message is queued in that save; the
/// alert scan then escalates and repeats it like a certificate's until someone acknowledges it.
/// </summary>
public sealed class FindingAlerts(PortalDbContext db, TimeProvider time, IOptions<AlertsOptions> options, IOnCallRoster roster, INotificationOutbox outbox, ILogger<FindingAlerts> logger)
{
    public sealed record Outcome(int Open, int Resolved, int Notifications);

    private sealed record ServerName(Guid Id, string Name, ServerRole Role);

    /// <summary>Where a finding is: its server, or for a finding about the fleet the servers that report it; its page.</summary>
    private sealed record Place(string Name, string Path, IReadOnlyList<ServerName> Servers);

    /// <summary>Quiet servers and rules now: server silences hold every message; a suppressed rule or an acknowledged finding holds repeats.</summary>
    private sealed record Quiet(HashSet<Guid> SilencedServers, HashSet<(Guid ServerId, string RuleId)> Suppressed);

    /// <summary>
    /// Adds to the evaluation's unit of work (the caller saves): an alert, with its first message, for each critical
    /// finding that just opened when the setting is on, and the resolution of the alerts of findings that just resolved.
    /// </summary>
    public async Task<int> OnEvaluatedAsync(IReadOnlyCollection<DiagnosticFinding> opened, IReadOnlyCollection<DiagnosticFinding> resolved, DateTimeOffset now, CancellationToken ct)
    {
        if (resolved.Count > 0)
        {
            var ids = resolved.Select(f => (Guid?)f.Id).ToList();
            var byFinding = resolved.ToDictionary(f => f.Id);
            foreach (var alert in await db.Alerts.Where(a => a.OpenKey != null && a.Kind == AlertKind.Finding && ids.Contains(a.FindingId)).ToListAsync(ct))
            {
                Resolve(alert, byFinding[alert.FindingId!.Value], now);
            }
        }

        // Acknowledged or suppressed findings are known already: they page nobody (a new row is neither, but the rule is the point).
        var critical = opened.Where(f => f.Severity == (int)FindingSeverity.Critical && f.AcknowledgedAt is null).ToList();
        if (!options.Value.RaiseForCriticalFindings || critical.Count == 0)
        {
            return 0;
        }

        var serverIds = critical.SelectMany(f => f.ServersConcerned).Distinct().ToList();
        var servers = await ServersAsync(serverIds, ct);
        var quiet = await QuietAsync(serverIds, now, ct);
        var raised = 0;
        OnCallNow? onCall = null;
        foreach (var finding in critical.Where(f => !Everywhere(f, id => quiet.Suppressed.Contains((id, f.RuleId)))))
        {
            var place = PlaceOf(finding, servers);
            var alert = Open(finding, place, now);
            (onCall, _) = await NotifyAsync(alert, finding, place, acknowledged: false, Everywhere(finding, quiet.SilencedServers.Contains), now, onCall, ct);
            raised++;
        }

        return raised;
    }

    /// <summary>
    /// The scan's part: escalates and repeats the open finding alerts that are due (nothing while the setting is off),
    /// and resolves any whose finding is gone. One transaction; a race lost to another node runs again.
    /// </summary>
    public Task<Outcome> RunAsync(CancellationToken ct) => db.RetryLostRacesAsync(() => RunOnceAsync(ct), logger, "Finding alert scan", ct);

    private async Task<Outcome> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var open = await db.Alerts.Where(a => a.OpenKey != null && a.Kind == AlertKind.Finding).ToListAsync(ct);
        if (open.Count == 0)
        {
            return new Outcome(0, 0, 0);
        }

        var ids = open.Where(a => a.FindingId is not null).Select(a => a.FindingId!.Value).ToList();
        var findings = await db.DiagnosticFindings.AsNoTracking().Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct);
        var serverIds = findings.Values.SelectMany(f => f.ServersConcerned).Distinct().ToList();
        var servers = await ServersAsync(serverIds, ct);
        var quiet = await QuietAsync(serverIds, now, ct);
        int resolved = 0, notifications = 0;
        OnCallNow? onCall = null;
        foreach (var alert in open)
        {
            if (alert.FindingId is not { } id || !findings.TryGetValue(id, out var finding) || finding.ResolvedAt is not null || !finding.ServersConcerned.Any(servers.ContainsKey))
            {
                // Its server was removed with its findings, or every server of a fleet finding was removed (a resolved
                // finding's alert resolves in the evaluation's save).
                Resolve(alert, findings.GetValueOrDefault(alert.FindingId ?? Guid.Empty), now);
                resolved++;
                continue;
            }

            if (!options.Value.RaiseForCriticalFindings)
            {
                continue;
            }

            alert.LastEvaluatedAt = now;
            (onCall, var sent) = await NotifyAsync(
                alert,
                finding,
                PlaceOf(finding, servers),
                acknowledged: alert.State == AlertState.Acknowledged || finding.AcknowledgedAt is not null,
                silenced: Everywhere(finding, quiet.SilencedServers.Contains) || Everywhere(finding, s => quiet.Suppressed.Contains((s, finding.RuleId))),
                now,
                onCall,
                ct);
            notifications += sent;
        }

        await db.SaveChangesAsync(ct);
        return new Outcome(open.Count - resolved, resolved, notifications);
    }

    /// <summary>Queues what is due for the alert now; returns the rota (read once per pass) and how many messages were queued.</summary>
    private async Task<(OnCallNow? OnCall, int Sent)> NotifyAsync(Alert alert, DiagnosticFinding finding, Place place, bool acknowledged, bool silenced, DateTimeOffset now, OnCallNow? onCall, CancellationToken ct)
    {
        var decision = AlertNotifications.Decide(AlertStep.Finding, acknowledged, silenced, ScanAlerts.State(alert), now, options.Value.Escalation());
        ScanAlerts.Apply(alert, decision.Next);
        var sent = 0;
        foreach (var due in decision.Due)
        {
            onCall ??= await roster.AtAsync(db, now, ct);
            var recipients = ScanAlerts.Recipients(onCall, due);
            var content = AlertContent.ForFinding(alert, finding, place.Name, place.Path, due.Kind);

            // "alert:{id}:finding" for the first message: its own key, apart from any certificate step.
            var suffix = due.Kind == NotificationKind.Threshold ? AlertStep.Finding.Key : due.KeySuffix;
            foreach (var recipient in recipients)
            {
                await outbox.EnqueueAsync(db, new Notification($"alert:{alert.Id}:{suffix}", alert.Id, recipient, content), ct);
            }

            var what = due.Kind == NotificationKind.Threshold ? "Critical finding" : ScanAlerts.Describe(due);
            ScanAlerts.AddEvent(db, alert, now, "notified", recipients.Count == 0
                ? $"{what}: nobody is on call, so nobody was notified."
                : $"{what}: notified {recipients.Count} {(recipients.Count == 1 ? "person" : "people")}.");
            sent += recipients.Count;
        }

        return (onCall, sent);
    }

    private Alert Open(DiagnosticFinding finding, Place place, DateTimeOffset now)
    {
        var key = $"finding:{finding.Id}";
        var alert = new Alert
        {
            Id = Guid.NewGuid(),
            Kind = AlertKind.Finding,
            Key = key,
            OpenKey = key,
            FindingId = finding.Id,
            Subject = Clip(finding.RuleId, Data.Configurations.FieldLimits.Subject),
            Title = Clip($"{finding.Title} on {place.Name}", Data.Configurations.FieldLimits.Name * 2),
            InstalledOn = [.. place.Servers.Select(s => new AlertInstallation { ServerId = s.Id, ServerName = s.Name, Store = "", Purposes = [] })],
            Severity = (int)AlertSeverity.Critical,
            OpenedAt = now,
            LastEvaluatedAt = now,
            State = AlertState.Firing,
        };
        db.Alerts.Add(alert);
        ScanAlerts.AddEvent(db, alert, now, "opened", $"Opened: {finding.RuleId} fires on {place.Name}.");
        return alert;
    }

    private void Resolve(Alert alert, DiagnosticFinding? finding, DateTimeOffset now)
    {
        var server = alert.InstalledOn.Count == 0 ? "its server" : string.Join(", ", alert.InstalledOn.Select(i => i.ServerName));
        var detail = finding is null
            ? $"The finding no longer exists: {server} was removed from the portal."
            : $"The finding resolved: {finding.RuleId} no longer fires on {server}.";
        alert.State = AlertState.Resolved;
        alert.OpenKey = null;
        alert.ResolvedAt = now;
        alert.LastEvaluatedAt = now;
        alert.ResolutionReason = (int)AlertResolutionReason.FindingResolved;
        alert.ResolutionDetail = detail;
        ScanAlerts.AddEvent(db, alert, now, "resolved", detail);
    }

    private async Task<Dictionary<Guid, ServerName>> ServersAsync(List<Guid> ids, CancellationToken ct) =>
        await db.Servers.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => new ServerName(s.Id, s.Name, s.Role)).ToDictionaryAsync(s => s.Id, ct);

    private async Task<Quiet> QuietAsync(List<Guid> serverIds, DateTimeOffset now, CancellationToken ct)
    {
        var silenced = await db.AlertSilences.AsNoTracking()
            .Where(s => s.Scope == SilenceScope.Server && s.ServerId != null && serverIds.Contains(s.ServerId.Value) && s.StartsAt <= now && s.EndsAt > now && s.EndedEarlyAt == null)
            .Select(s => s.ServerId!.Value)
            .ToListAsync(ct);
        var suppressed = await db.DiagnosticSuppressions.AsNoTracking()
            .Where(s => s.LiftedAt == null && s.ExpiresAt > now && serverIds.Contains(s.ServerId))
            .Select(s => new { s.ServerId, s.RuleId })
            .ToListAsync(ct);
        return new Quiet([.. silenced], suppressed.Select(s => (s.ServerId, s.RuleId)).ToHashSet());
    }

    public static string ServerPath(Guid serverId, ServerRole role) => role == ServerRole.Nps ? $"/servers/nps/{serverId}" : $"/servers/rras/{serverId}";

    /// <summary>The page of a finding about the fleet: the open findings of its rule, where it is with its servers.</summary>
    public static string FleetPath(string ruleId) => $"/diagnostics?rule={Uri.EscapeDataString(ruleId)}";

    private static Place PlaceOf(DiagnosticFinding finding, Dictionary<Guid, ServerName> servers)
    {
        if (finding.ServerId is { } id)
        {
            var server = servers.GetValueOrDefault(id) ?? new ServerName(id, "(removed server)", ServerRole.Rras);
            return new Place(server.Name, ServerPath(server.Id, server.Role), [server]);
        }

        var known = finding.ServerIds.Select(servers.GetValueOrDefault).OfType<ServerName>().ToList();
        return new Place(known.Count == 0 ? "(removed servers)" : string.Join(", ", known.Select(s => s.Name)), FleetPath(finding.RuleId), known);
    }

    /// <summary>True when <paramref name="holds"/> for every server the finding concerns (a fleet finding is quiet only where all are).</summary>
    private static bool Everywhere(DiagnosticFinding finding, Func<Guid, bool> holds) =>
        finding.ServersConcerned.Count > 0 && finding.ServersConcerned.All(holds);

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}
