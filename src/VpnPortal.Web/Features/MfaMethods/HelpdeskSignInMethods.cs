using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Notifications;

namespace VpnPortal.Web.Features.MfaMethods;

/// <summary>The helpdesk's view of a user's sign-in methods (numbers masked), and what it may do: remove one, ask for re-registration.</summary>
public sealed class HelpdeskSignInMethods(PortalDbContext db, IMfaMethodProvider provider, INotificationOutbox outbox, ILogger<HelpdeskSignInMethods> logger)
{
    public sealed record View(MfaMethodSet Methods, bool ReRegistrationRequired, string ProviderName);

    public async Task<View?> GetAsync(Guid userId, CancellationToken ct)
    {
        var account = await MfaAccounts.FindAsync(db, userId, ct);
        return account is null ? null : new View(await provider.GetAsync(account.User, ct), account.ReRegistrationRequired, provider.DisplayName);
    }

    /// <summary>Removes a method; the failure message carries the provider's detail, for the admin.</summary>
    public async Task<CommandResult<MethodChanged>> RemoveAsync(Guid userId, PhoneKind kind, CancellationToken ct)
    {
        if ((await MfaAccounts.FindAsync(db, userId, ct))?.User is not { } user)
        {
            return CommandResult<MethodChanged>.NotFound("That user no longer exists.");
        }

        var before = (await provider.GetAsync(user, ct)).Phone(kind);
        if (before is null)
        {
            return CommandResult<MethodChanged>.NotFound($"They have no {SignInMethods.Describe(kind)} number.");
        }

        try
        {
            await provider.RemovePhoneAsync(user, kind, ct);
        }
        catch (MfaProviderException e)
        {
            // The attempt is audited as the admin's, with the provider's answer; the admin sees that answer too.
            var detail = await SignInMethods.RecordProviderFailureAsync(
                db, provider, logger, userId, $"The helpdesk removing the {SignInMethods.Describe(kind)} number {before.Masked}", e, before.Number, ct);
            return CommandResult<MethodChanged>.Conflict($"{e.Message} ({detail})");
        }

        db.Audit("mfa.phone-removed-by-helpdesk", $"{SignInMethods.Describe(kind)} number {before.Masked} of {user.DirectoryName} removed by the helpdesk, in {provider.DisplayName}",
            "user", userId.ToString(), before: new { Kind = kind.ToString(), Number = before.Masked });
        await outbox.EnqueueAsync(db, MfaAccounts.ChangeNotice(userId,
            $"Your {SignInMethods.Describe(kind)} number for sign-in was removed by the helpdesk",
            $"The helpdesk removed the {SignInMethods.Describe(kind)} number {before.Masked} from your sign-in methods. If you did not ask for this, contact your helpdesk."), ct);
        await db.SaveChangesAsync(ct);
        return SignInMethods.Changed($"The {SignInMethods.Describe(kind)} number is removed.");
    }

    /// <summary>On their next visit the user is asked to check and register their numbers; cleared by their next verified number.</summary>
    public async Task<CommandResult<MethodChanged>> SetReRegistrationRequiredAsync(Guid userId, bool required, CancellationToken ct)
    {
        var account = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (account is null)
        {
            return CommandResult<MethodChanged>.NotFound("That user no longer exists.");
        }

        if (account.MfaReRegistrationRequired == required)
        {
            return SignInMethods.Changed(required ? "They are already asked to register again." : "They are not asked to register again.");
        }

        account.MfaReRegistrationRequired = required;
        await db.SaveChangesAsync(ct); // audited as a change of the user's MfaReRegistrationRequired
        return SignInMethods.Changed(required
            ? "They will be asked to register their sign-in methods again on their next visit."
            : "They are no longer asked to register again.");
    }
}
