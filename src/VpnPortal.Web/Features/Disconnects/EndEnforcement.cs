using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;

namespace VpnPortal.Web.Features.Disconnects;

/// <summary>Ends a disconnect's enforcement window before its time: the identity may connect again at once.</summary>
public sealed class EndEnforcement(PortalDbContext db, TimeProvider time)
{
    public enum Result
    {
        Ended,
        NotFound,
        AlreadyOver,
    }

    public async Task<Result> RunAsync(Guid operationId, AuditActor actor, CancellationToken ct = default)
    {
        var enforcement = await db.DisconnectEnforcements.FirstOrDefaultAsync(e => e.OperationId == operationId, ct);
        if (enforcement is null)
        {
            return Result.NotFound;
        }

        var now = time.GetUtcNow();
        if (enforcement.EndedEarlyAt is not null || enforcement.EndsAt <= now)
        {
            return Result.AlreadyOver;
        }

        enforcement.EndedEarlyAt = now;
        enforcement.EndedByUserId = actor.UserId;
        db.Audit(
            "disconnect.enforcement-ended",
            $"Ended the enforcement window for {enforcement.Identity} early (it was to last until {enforcement.EndsAt:u})",
            "fleet-operation",
            operationId.ToString());
        await db.SaveChangesAsync(ct);
        return Result.Ended;
    }
}
