using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Alerts;

/// <summary>
/// Someone on call takes an alert: who, when and a note are kept, repeats and escalations stop. A later threshold step
/// fires it again. Acknowledging an acknowledged alert again changes nothing; a resolved one cannot be.
/// </summary>
public sealed class AcknowledgeAlert(PortalDbContext db, TimeProvider time)
{
    public async Task<CommandResult> RunAsync(Guid alertId, string? note, AuditActor actor, CancellationToken ct = default)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note?.Length > FieldLimits.Notes)
        {
            return CommandResult.Invalid("note", $"The note is at most {FieldLimits.Notes} characters.");
        }

        var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == alertId, ct);
        if (alert is null)
        {
            return CommandResult.NotFound("There is no such alert.");
        }

        if (alert.State == AlertState.Resolved)
        {
            return CommandResult.Invalid("", "This alert is resolved; there is nothing to acknowledge.");
        }

        if (alert.State == AlertState.Acknowledged)
        {
            return CommandResult.Ok(alert.Id, alert.Version);
        }

        var now = time.GetUtcNow();
        alert.State = AlertState.Acknowledged;
        alert.AcknowledgedAt = now;
        alert.AcknowledgedByUserId = actor.UserId;
        alert.AcknowledgedBy = actor.Name;
        alert.AcknowledgementNote = note;
        ScanAlerts.AddEvent(db, alert, now, "acknowledged", note is null ? "Acknowledged." : $"Acknowledged: {note}", actor.Name);
        db.Audit("alert.acknowledged", $"Acknowledged the alert on {alert.Title}", "alert", alert.Id.ToString(), after: new { alert.Sha1Thumbprint, Note = note });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A scan changed it meanwhile (a new step, a repeat): the person sees it again and decides again.
            return CommandResult.Conflict();
        }

        return CommandResult.Ok(alert.Id, alert.Version);
    }
}
