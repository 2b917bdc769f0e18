using System.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Users;

/// <summary>
/// An admin disables or enables an account. A disabled account cannot sign in, its cookies stop working at the
/// next session check (Security:SessionCheckInterval, a minute), open pages included, and its API keys are refused. Admins cannot disable themselves,
/// nor the last enabled admin.
/// </summary>
/// <remarks><paramref name="users"/> must work on <paramref name="db"/> (see PortalIdentity.UserManagerFor).</remarks>
public sealed class SetUserDisabled(PortalDbContext db, UserManager<PortalUser> users)
{
    public sealed record Request(Guid UserId, bool Disabled, string ConcurrencyStamp);

    public const string SelfMessage = "You cannot disable your own account. Ask another admin if it must be disabled.";

    /// <summary>Applies the change; <c>actingUserId</c> is the admin making it, so they cannot disable themselves.</summary>
    public async Task<CommandResult> RunAsync(Request request, Guid? actingUserId, CancellationToken ct = default)
    {
        if (request.Disabled && request.UserId == actingUserId)
        {
            return CommandResult.Invalid("", SelfMessage);
        }

        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
        try
        {
            var user = await UserRules.FindAsync(db, request.UserId, ct);
            if (user is null)
            {
                return UserRules.Gone();
            }

            if (user.ConcurrencyStamp != request.ConcurrencyStamp)
            {
                return CommandResult.Conflict();
            }

            if (user.IsDisabled == request.Disabled)
            {
                return CommandResult.Ok(user.Id);
            }

            if (request.Disabled && await users.IsInRoleAsync(user, Roles.Admin) && !await UserRules.HasOtherEnabledAdminAsync(db, user.Id, ct))
            {
                return CommandResult.Invalid("", UserRules.LastAdminMessage(user.Email, "disable their account"));
            }

            user.IsDisabled = request.Disabled;
            var updated = await users.UpdateAsync(user);
            if (!updated.Succeeded)
            {
                return UserRules.FromIdentity(updated);
            }

            await tx.CommitAsync(ct);
            return CommandResult.Ok(user.Id);
        }
        catch (Exception ex) when (UserRules.IsSerializationFailure(ex))
        {
            return CommandResult.Conflict();
        }
    }
}
