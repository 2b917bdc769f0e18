using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Configurations;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>Ends a suppression before its expiry: the rule opens findings on the server again from the next evaluation, which is asked for at once.</summary>
public sealed class LiftSuppression(PortalDbContext db, TimeProvider time, FleetEvents events, FindingsEvaluator evaluator)
{
    /// <summary>The suppression as it is once lifted, or why it was not (gone, or already over).</summary>
    public async Task<CommandResult<ListSuppressions.Row>> RunAsync(Guid id, AuditActor actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var suppression = await db.DiagnosticSuppressions.Include(s => s.Server).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (suppression is null)
        {
            return CommandResult<ListSuppressions.Row>.NotFound("There is no such suppression.");
        }

        if (suppression.LiftedAt is { } lifted)
        {
            return CommandResult<ListSuppressions.Row>.Conflict($"{suppression.LiftedBy} already lifted this suppression on {lifted.UtcDateTime:yyyy-MM-dd HH:mm} UTC.");
        }

        if (suppression.ExpiresAt <= now)
        {
            return CommandResult<ListSuppressions.Row>.Conflict($"This suppression already ended on {suppression.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC.");
        }

        suppression.LiftedAt = now;
        suppression.LiftedBy = actor.Name.Length <= FieldLimits.Principal ? actor.Name : actor.Name[..FieldLimits.Principal];
        var server = suppression.Server!;
        db.Audit(
            "diagnostic-suppression.lifted",
            $"Lifted the suppression of {suppression.RuleId} on {server.Name} (it was: {suppression.Reason})",
            "diagnostic-suppression",
            suppression.Id.ToString(),
            before: new { Server = server.Name, suppression.RuleId, suppression.Reason, suppression.ExpiresAt });
        await db.SaveChangesAsync(ct);
        events.Publish(new FleetChange(FleetChangeKind.FindingsChanged, server.Id));
        evaluator.Request(server.Id);
        return CommandResult<ListSuppressions.Row>.Ok(ListSuppressions.ToRow(suppression, server.Name, server.Role, now), suppression.Id);
    }
}
