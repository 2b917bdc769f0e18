using Microsoft.AspNetCore.Identity;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Users;

/// <summary>An admin ends a lockout after too many failed sign-ins, and clears the failed-attempt count.</summary>
/// <remarks><paramref name="users"/> must work on <paramref name="db"/> (see PortalIdentity.UserManagerFor).</remarks>
public sealed class UnlockUser(PortalDbContext db, UserManager<PortalUser> users)
{
    public sealed record Request(Guid UserId, string ConcurrencyStamp);

    public async Task<CommandResult> RunAsync(Request request, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await UserRules.FindAsync(db, request.UserId, ct);
        if (user is null)
        {
            return UserRules.Gone();
        }

        if (user.ConcurrencyStamp != request.ConcurrencyStamp)
        {
            return CommandResult.Conflict();
        }

        if (user.LockoutEnd is not null)
        {
            var unlocked = await users.SetLockoutEndDateAsync(user, null);
            if (!unlocked.Succeeded)
            {
                return UserRules.FromIdentity(unlocked);
            }
        }

        var reset = await users.ResetAccessFailedCountAsync(user);
        if (!reset.Succeeded)
        {
            return UserRules.FromIdentity(reset);
        }

        await tx.CommitAsync(ct);
        return CommandResult.Ok(user.Id);
    }
}
