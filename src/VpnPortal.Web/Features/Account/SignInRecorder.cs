using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Account;

/// <summary>
/// Records a successful sign-in: last sign-in time (bookkeeping) and one audit entry, as the user; and a refused
/// password sign-in, with the reason the person is not told.
/// </summary>
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

    /// <summary>A refused password sign-in for what was typed as <paramref name="email"/> (at most 256 characters of it), and why.</summary>
    public async Task RecordFailureAsync(string email, string reason, CancellationToken ct = default)
    {
        var shown = email.Length > 256 ? email[..256] : email;
        db.Audit("account.sign-in-failed", $"Failed sign-in for '{shown}': {reason}");
        await db.SaveChangesAsync(ct);
    }
}
