using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;

namespace VpnPortal.Web.Features.Disconnects;

/// <summary>Ends a disconnect's enforcement window before its time: the identity may connect again at once.</summary>
public sealed class EndEnforcement(PortalDbContext db, TimeProvider time)
{
    /// <summary>Done, or not found (no such operation or none with a window), or a conflict when the window is already over.</summary>
    public async Task<CommandResult> RunAsync(Guid operationId, AuditActor actor, CancellationToken ct = default)
    {
        var enforcement = await db.DisconnectEnforcements.FirstOrDefaultAsync(e => e.OperationId == operationId, ct);
        if (enforcement is null)
        {
            return CommandResult.NotFound("That operation has no enforcement window.");
        }

        var now = time.GetUtcNow();
        if (enforcement.EndedEarlyAt is not null || enforcement.EndsAt <= now)
        {
            return CommandResult.Conflict("The enforcement window is already over.");
        }

        enforcement.EndedEarlyAt = now;
        enforcement.EndedByUserId = actor.UserId;
        db.Audit(
            "disconnect.enforcement-ended",
            $"Ended the enforcement window for {enforcement.Identity} early (it was to last until {enforcement.EndsAt:u})",
            "fleet-operation",
            operationId.ToString());
        await db.SaveChangesAsync(ct);
        return CommandResult.Ok(operationId);
    }
}
