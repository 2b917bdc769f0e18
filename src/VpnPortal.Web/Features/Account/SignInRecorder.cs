using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Account;

/// <summary>Records a successful sign-in: last sign-in time (bookkeeping) and one audit entry, as the user.</summary>
public sealed class SignInRecorder(PortalDbContext db, CurrentActor actor, TimeProvider time)
{
    public async Task RecordAsync(PortalUser user, string method, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSignInAt, now), ct);
        actor.Set(new AuditActor(AuditActorKind.User, user.Id, user.UserName ?? user.Id.ToString(), actor.Current.RemoteAddress));
        db.Audit("account.signed-in", $"{user.UserName} signed in ({method})", "user", user.Id.ToString());
        await db.SaveChangesAsync(ct);
    }
}
