using Microsoft.AspNetCore.Identity;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Me;

namespace VpnPortal.Web.Features.Users;

/// <summary>
/// Ends every browser session of an account: a new security stamp makes its cookies and open pages fail the check
/// that runs every Security:SessionCheckInterval (a minute). API keys are not sessions: they keep working unless the
/// person (or the admin) also chooses to revoke them, which is done in the same save and audited with it.
/// </summary>
/// <remarks>
/// Not checked against the stamp the admin loaded: it overwrites nothing, and an emergency action should not be
/// refused because the account's failed sign-ins changed it meanwhile.
/// <paramref name="users"/> must work on <paramref name="db"/> (see PortalIdentity.UserManagerFor).
/// </remarks>
public sealed class SignOutEverywhere(PortalDbContext db, UserManager<PortalUser> users, TimeProvider time)
{
    public async Task<CommandResult> RunAsync(Guid userId, bool revokeApiKeys = false, CancellationToken ct = default)
    {
        var user = await UserRules.FindAsync(db, userId, ct);
        if (user is null)
        {
            return UserRules.Gone();
        }

        // The stamp itself is never audited (it is a secret): this entry is saved with it, in the same SaveChanges. Each
        // revoked key is audited too, as a change of that key.
        if (revokeApiKeys)
        {
            var revoked = await ApiKeys.RevokeAllAsync(db, user.Id, time.GetUtcNow(), ct);
            db.Audit("user.signed-out-everywhere", $"Signed {user.UserName} out of every browser session and revoked {revoked} active API {(revoked == 1 ? "key" : "keys")}",
                "user", user.Id.ToString(), after: new { RevokedApiKeys = revoked });
        }
        else
        {
            db.Audit("user.signed-out-everywhere", $"Signed {user.UserName} out of every browser session", "user", user.Id.ToString());
        }

        var result = await users.UpdateSecurityStampAsync(user);
        return result.Succeeded ? CommandResult.Ok(user.Id) : UserRules.FromIdentity(result);
    }
}
