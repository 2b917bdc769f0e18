using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Notifications;

namespace VpnPortal.Web.Features.Alerts;

/// <summary>One alert with its timeline and its notifications' delivery history.</summary>
public sealed class GetAlert(PortalDbContext db, IServiceProvider services)
{
    public sealed record TimelineRow(DateTimeOffset At, string Kind, string Text, string? Actor);

    /// <summary>A finding's alert: the finding as it is now, its server (the servers, for one about the fleet) and the page to act on.</summary>
    public sealed record FindingView(
        Guid Id, Guid? ServerId, string ServerName, string ServerPath, string RuleId, string Title, string Summary, IReadOnlyList<FindingEvidence> Evidence,
        IReadOnlyList<string> FixSteps, DateTimeOffset OpenedAt, DateTimeOffset? ResolvedAt);

    public sealed record Detail(
        ListAlerts.AlertRow Alert, Guid? CertificateId, string Subject, string? AcknowledgementNote, IReadOnlyList<AlertInstallation> InstalledOn,
        IReadOnlyList<TimelineRow> Timeline, IReadOnlyList<NotificationDeliveryView>? Deliveries, Guid Version, FindingView? Finding = null);

    public async Task<Detail?> RunAsync(Guid id, CancellationToken ct = default)
    {
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null)
        {
            return null;
        }

        var timeline = await db.AlertEvents.AsNoTracking().Where(e => e.AlertId == id)
            .OrderBy(e => e.At).ThenBy(e => e.Kind)
            .Select(e => new TimelineRow(e.At, e.Kind, e.Text, e.Actor))
            .ToListAsync(ct);

        // The history comes from the outbox; without one (delivery not set up) the page says so instead of failing.
        var outbox = services.GetService<INotificationOutbox>();
        var deliveries = outbox is null ? null : await outbox.HistoryAsync(db, id, ct);
        var finding = alert.FindingId is { } findingId
            ? await db.DiagnosticFindings.AsNoTracking().Include(f => f.Server).FirstOrDefaultAsync(f => f.Id == findingId, ct)
            : null;
        var (serverName, serverPath) = finding switch
        {
            null => ("", ""),
            { Server: { } server } => (server.Name, FindingAlerts.ServerPath(server.Id, server.Role)),
            _ => (string.Join(", ", await db.Servers.AsNoTracking().Where(s => finding.ServerIds.Contains(s.Id)).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(ct)),
                FindingAlerts.FleetPath(finding.RuleId)),
        };
        return new Detail(
            ListAlerts.Row(alert), alert.CertificateId, alert.Subject, alert.AcknowledgementNote,
            alert.InstalledOn.Select(ListAlerts.Display).ToList(), timeline, deliveries, alert.Version,
            finding is null ? null : new FindingView(
                finding.Id, finding.ServerId, serverName, serverPath, finding.RuleId, finding.Title,
                finding.Summary, finding.Evidence, finding.FixSteps, finding.OpenedAt, finding.ResolvedAt));
    }
}
