using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Alerts;
using VpnPortal.Domain.Certificates;
using VpnPortal.Web.Features.Notifications;

namespace VpnPortal.Web.Features.Alerts;

/// <summary>
/// One alert scan: opens an alert for each watched certificate at a threshold, keeps its places, purposes and severity
/// current, resolves it when the certificate is gone or replaced, and queues the notifications due now (threshold
/// steps, repeats, escalations) in the outbox, all in one transaction. Idempotent: a second scan at the same moment
/// changes nothing; a scan racing another node's loses on the alert's version or its unique open key and runs again.
/// </summary>
public sealed class ScanAlerts(PortalDbContext db, TimeProvider time, IOptions<AlertsOptions> options, IOnCallRoster roster, INotificationOutbox outbox, CertificateNameCatchUp nameIndex, ILogger<ScanAlerts> logger)
{
    public sealed record Outcome(int Watched, int Open, int Opened, int Resolved, int Notifications);

    /// <summary>Scans once; a scan racing another node's loses on the alert's version or its open key and runs again.</summary>
    public Task<Outcome> RunAsync(CancellationToken ct) => db.RetryLostRacesAsync(() => ScanOnceAsync(ct), logger, "Alert scan", ct);

    private async Task<Outcome> ScanOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        var thresholds = settings.Thresholds();
        var escalation = settings.Escalation();

        // Read untracked: most open alerts are left as they were, and tracking thousands of them makes every save
        // compare them all. Those a scan changes are handed to the context with Changed, with their read version.
        var open = await db.Alerts.AsNoTracking().Where(a => a.OpenKey != null && a.Kind == AlertKind.CertificateExpiry).ToListAsync(ct);
        await nameIndex.RunAsync(db, ct);
        var watched = await WatchedCertificates.LoadAsync(db, thresholds, now, open, ct);
        var bySha1 = watched.ToDictionary(w => w.Sha1Thumbprint, StringComparer.OrdinalIgnoreCase);
        var byName = NameIndex(watched);
        var openBySha1 = open.ToDictionary(a => a.Sha1Thumbprint!, StringComparer.OrdinalIgnoreCase);
        var silences = await db.AlertSilences.AsNoTracking()
            .Where(s => s.StartsAt <= now && s.EndsAt > now && s.EndedEarlyAt == null)
            .Select(s => new { s.Scope, s.Sha1Thumbprint, s.ServerId })
            .ToListAsync(ct);
        var silencedSha1 = silences.Where(s => s.Scope == SilenceScope.Certificate).Select(s => s.Sha1Thumbprint!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var silencedServers = silences.Where(s => s.Scope == SilenceScope.Server).Select(s => s.ServerId!.Value).ToHashSet();

        OnCallNow? onCall = null;
        int opened = 0, resolved = 0, notifications = 0;
        foreach (var alert in open)
        {
            bySha1.TryGetValue(alert.Sha1Thumbprint!, out var certificate);
            var step = certificate is null ? null : thresholds.StepAt(certificate.NotAfter, now, certificate.PurposeMask);
            var resolution = Resolve(alert, certificate, step, byName);
            if (resolution is not null)
            {
                ResolveAlert(alert, resolution, bySha1, now);
                Changed(alert);
                resolved++;
            }
        }

        foreach (var certificate in watched)
        {
            if (thresholds.StepAt(certificate.NotAfter, now, certificate.PurposeMask) is not { } step)
            {
                continue;
            }

            if (!openBySha1.TryGetValue(certificate.Sha1Thumbprint, out var alert))
            {
                // Already replaced beside it (a rollout left the old one in the store): nothing to alert on.
                if (AlertResolution.Evaluate(certificate.Placed, [], Candidates(certificate, byName)) is not null)
                {
                    continue;
                }

                alert = Open(certificate, now);
                openBySha1[certificate.Sha1Thumbprint] = alert;
                opened++;
            }
            else if (alert.OpenKey is null)
            {
                continue; // resolved in this scan
            }

            var changed = Refresh(alert, certificate, step, now);
            var silenced = silencedSha1.Contains(certificate.Sha1Thumbprint)
                || certificate.Installations.Count > 0 && certificate.Installations.All(i => i.ServerId is { } id && silencedServers.Contains(id));
            var before = State(alert);
            var decision = AlertNotifications.Decide(step, alert.State == AlertState.Acknowledged, silenced, before, now, escalation);
            Apply(alert, decision.Next);
            if (changed || decision.Rearmed || decision.Due.Count > 0 || decision.Next != before)
            {
                alert.LastEvaluatedAt = now;
                Changed(alert); // an alert a scan leaves as it was is not written again
            }

            if (decision.Rearmed)
            {
                alert.State = AlertState.Firing;
                AddEvent(alert, now, "rearmed", $"Reached {step} after it was acknowledged: firing again.");
            }

            foreach (var due in decision.Due)
            {
                onCall ??= await roster.AtAsync(db, now, ct);
                var recipients = Recipients(onCall, due);
                var content = AlertContent.For(alert, due.Kind);
                foreach (var recipient in recipients)
                {
                    await outbox.EnqueueAsync(db, new Notification($"alert:{alert.Id}:{due.KeySuffix}", alert.Id, recipient, content), ct);
                }

                notifications += recipients.Count;
                AddEvent(alert, now, "notified", recipients.Count == 0
                    ? $"{Describe(due)}: nobody is on call, so nobody was notified."
                    : $"{Describe(due)}: notified {recipients.Count} {(recipients.Count == 1 ? "person" : "people")}.");
            }
        }

        await db.SaveChangesAsync(ct);
        return new Outcome(watched.Count, openBySha1.Values.Count(a => a.OpenKey is not null), opened, resolved, notifications);
    }

    /// <summary>
    /// Saves an alert read untracked that this scan changed (a new one is already added); the version it was read with
    /// still guards the write. Its places are owned rows with keys only a tracked read knows, so it is attached without
    /// them and they are given back as new ones: the alert's whole row, places included, is written.
    /// </summary>
    private void Changed(Alert alert)
    {
        if (db.Entry(alert).State != EntityState.Detached)
        {
            return;
        }

        var places = alert.InstalledOn;
        alert.InstalledOn = [];
        db.Alerts.Attach(alert);
        alert.InstalledOn = places.Select(p => new AlertInstallation { ServerId = p.ServerId, ServerName = p.ServerName, Store = p.Store, Purposes = [.. p.Purposes] }).ToList();
        db.Entry(alert).State = EntityState.Modified;
    }

    /// <summary>The people a message goes to: an escalation reaches its new audience; a step or repeat everyone reached so far. Nobody on call as primary: everyone.</summary>
    public static IReadOnlyList<Guid> Recipients(OnCallNow onCall, DueNotification due)
    {
        var primary = onCall.Primary is { } p ? new[] { p } : onCall.Everyone.ToArray();
        Guid[] next = onCall.Next is { } n ? [n] : [];
        IEnumerable<Guid> people = due.Kind == NotificationKind.Escalation
            ? due.Audience == EscalationLevel.Next ? next : onCall.Everyone
            : due.Audience switch
            {
                EscalationLevel.Primary => primary,
                EscalationLevel.Next => [.. primary, .. next],
                _ => [.. primary, .. onCall.Everyone],
            };
        return people.Distinct().ToList();
    }

    internal static string Describe(DueNotification due) => due.Kind switch
    {
        NotificationKind.Threshold => $"Threshold ({due.KeySuffix["threshold:".Length..]})",
        NotificationKind.Repeat => $"Repeat {due.KeySuffix["repeat:".Length..]}",
        _ => due.Audience == EscalationLevel.Next ? "Escalated to the next on-call person" : "Escalated to every OnCall user",
    };

    private static Resolution? Resolve(Alert alert, WatchedCertificate? certificate, AlertStep? step, Dictionary<string, List<WatchedCertificate>> byName)
    {
        var previous = alert.InstalledOn.Select(i => new Placement(i.ServerId, Enum.TryParse<WatchedStore>(i.Store, out var s) ? s : StoreFromText(i.Store))).ToList();
        if (certificate is null || certificate.Placed.Placements.Count == 0)
        {
            var gone = new PlacedCertificate(alert.Sha1Thumbprint!, DistinguishedNames.CommonName(alert.Subject), certificate?.Placed.DnsNames ?? [], alert.NotAfter ?? DateTimeOffset.MinValue, new Dictionary<Placement, CertificatePurpose[]>());
            return AlertResolution.Evaluate(gone, previous, byName.Count == 0 ? [] : CandidatesByNames(gone, byName));
        }

        return AlertResolution.Evaluate(certificate.Placed, previous, Candidates(certificate, byName))
            ?? (step is null ? new Resolution(AlertResolutionReason.NoLongerDue, null) : null);
    }

    private static WatchedStore StoreFromText(string text) =>
        Enum.GetValues<WatchedStore>().FirstOrDefault(s => CertificatePurposes.Describe(s) == text);

    private void ResolveAlert(Alert alert, Resolution resolution, Dictionary<string, WatchedCertificate> bySha1, DateTimeOffset now)
    {
        alert.State = AlertState.Resolved;
        alert.OpenKey = null;
        alert.ResolvedAt = now;
        alert.ResolutionReason = (int)resolution.Reason;
        alert.ResolutionDetail = resolution.ReplacedBySha1 is { } by
            ? $"Replaced by {(bySha1.TryGetValue(by, out var successor) ? DistinguishedNames.ShortName(successor.Subject) + " " : "")}(thumbprint {by}{(successor is null ? "" : $", expires {successor.NotAfter:yyyy-MM-dd}")})."
            : AlertResolution.Describe(resolution.Reason) + ".";
        AddEvent(alert, now, "resolved", $"{AlertResolution.Describe(resolution.Reason)}. {(resolution.ReplacedBySha1 is null ? "" : alert.ResolutionDetail)}".Trim());
    }

    private Alert Open(WatchedCertificate certificate, DateTimeOffset now)
    {
        var key = $"cert:{certificate.Sha1Thumbprint.ToUpperInvariant()}";
        var alert = new Alert
        {
            Id = Guid.NewGuid(),
            Kind = AlertKind.CertificateExpiry,
            Key = key,
            OpenKey = key,
            Sha1Thumbprint = certificate.Sha1Thumbprint.ToUpperInvariant(),
            CertificateId = certificate.CertificateId,
            Subject = Clip(certificate.Subject, Data.Configurations.FieldLimits.Subject),
            Title = Clip($"{DistinguishedNames.ShortName(certificate.Subject)}", Data.Configurations.FieldLimits.Name * 2),
            NotAfter = certificate.NotAfter,
            OpenedAt = now,
            State = AlertState.Firing,
        };
        db.Alerts.Add(alert);
        AddEvent(alert, now, "opened", $"Opened: expires {certificate.NotAfter:yyyy-MM-dd HH:mm} UTC.");
        return alert;
    }

    /// <summary>Brings the alert's step, severity, purposes and places up to date; whether anything changed.</summary>
    private bool Refresh(Alert alert, WatchedCertificate certificate, AlertStep step, DateTimeOffset now)
    {
        var changed = false;
        if (alert.StepDays is not { } days || step.IsLaterThan(new AlertStep(days)))
        {
            AddEvent(alert, now, "step", $"Reached {step}.");
            alert.StepDays = step.Days;
            changed = true;
        }

        if ((int)step.Severity > alert.Severity || alert.CertificateId is null && certificate.CertificateId is not null)
        {
            alert.Severity = Math.Max(alert.Severity, (int)step.Severity);
            alert.CertificateId ??= certificate.CertificateId;
            changed = true;
        }

        var purposes = certificate.Installations.SelectMany(i => i.Purposes).Distinct().Order().Select(p => p.ToString()).ToList();
        if (!purposes.SequenceEqual(alert.Purposes))
        {
            alert.Purposes = purposes;
            changed = true;
        }

        var installed = certificate.Installations
            .OrderBy(i => i.ServerName, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.Store)
            .Select(i => new AlertInstallation { ServerId = i.ServerId, ServerName = i.ServerName, Store = i.Store.ToString(), Purposes = i.Purposes.Select(p => p.ToString()).ToList() })
            .ToList();
        if (!SamePlaces(installed, alert.InstalledOn))
        {
            alert.InstalledOn = installed;
            changed = true;
        }

        return changed;
    }

    private static bool SamePlaces(List<AlertInstallation> a, List<AlertInstallation> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.ServerId == p.Second.ServerId && p.First.ServerName == p.Second.ServerName
            && p.First.Store == p.Second.Store && p.First.Purposes.SequenceEqual(p.Second.Purposes));

    internal static NotificationState State(Alert a) => new(
        a.NotifiedStepDays is { } d ? new AlertStep(d) : null, a.LastNotifiedAt, a.RepeatCount, (EscalationLevel)a.EscalationLevel, a.EscalationClockFrom);

    internal static void Apply(Alert a, NotificationState s)
    {
        a.NotifiedStepDays = s.NotifiedStep?.Days;
        a.LastNotifiedAt = s.LastNotifiedAt;
        a.RepeatCount = s.RepeatCount;
        a.EscalationLevel = (int)s.Level;
        a.EscalationClockFrom = s.EscalationClockFrom;
    }

    /// <summary>Adds to the set, not the alert's collection: a new row with its key already set, found through a navigation, would be taken for an existing one.</summary>
    public static void AddEvent(PortalDbContext db, Alert alert, DateTimeOffset at, string kind, string text, string? actor = null) =>
        db.AlertEvents.Add(new AlertEvent { Id = Guid.NewGuid(), AlertId = alert.Id, At = at, Kind = kind, Text = Clip(text, Data.Configurations.FieldLimits.Notes), Actor = actor });

    private void AddEvent(Alert alert, DateTimeOffset at, string kind, string text) => AddEvent(db, alert, at, kind, text);

    private static Dictionary<string, List<WatchedCertificate>> NameIndex(IReadOnlyList<WatchedCertificate> watched)
    {
        var index = new Dictionary<string, List<WatchedCertificate>>(StringComparer.OrdinalIgnoreCase);
        foreach (var w in watched)
        {
            foreach (var name in Names(w.Placed))
            {
                if (!index.TryGetValue(name, out var list))
                {
                    index[name] = list = [];
                }

                list.Add(w);
            }
        }

        return index;
    }

    private static IEnumerable<string> Names(PlacedCertificate c) => AlertResolution.NameKeys(c.SubjectCommonName, c.DnsNames);

    private static IEnumerable<PlacedCertificate> Candidates(WatchedCertificate certificate, Dictionary<string, List<WatchedCertificate>> byName) =>
        CandidatesByNames(certificate.Placed, byName);

    private static IEnumerable<PlacedCertificate> CandidatesByNames(PlacedCertificate certificate, Dictionary<string, List<WatchedCertificate>> byName) =>
        Names(certificate).SelectMany(n => byName.TryGetValue(n, out var list) ? list : []).Select(w => w.Placed).Distinct();

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}
