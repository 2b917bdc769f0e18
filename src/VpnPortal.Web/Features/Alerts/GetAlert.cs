using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Notifications;

namespace VpnPortal.Web.Features.Alerts;

/// <summary>One alert with its timeline and its notifications' delivery history.</summary>
public sealed class GetAlert(PortalDbContext db, IServiceProvider services)
{
    public sealed record TimelineRow(DateTimeOffset At, string Kind, string Text, string? Actor);

    public sealed record Detail(
        ListAlerts.AlertRow Alert, Guid? CertificateId, string Subject, string? AcknowledgementNote, IReadOnlyList<AlertInstallation> InstalledOn,
        IReadOnlyList<TimelineRow> Timeline, IReadOnlyList<NotificationDeliveryView>? Deliveries, Guid Version);

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
        return new Detail(
            ListAlerts.Row(alert), alert.CertificateId, alert.Subject, alert.AcknowledgementNote,
            alert.InstalledOn.Select(ListAlerts.Display).ToList(), timeline, deliveries, alert.Version);
    }
}
