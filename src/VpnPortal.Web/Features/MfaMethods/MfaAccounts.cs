using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Web.Features.Notifications;

namespace VpnPortal.Web.Features.MfaMethods;

/// <summary>The portal account behind a set of sign-in methods, and the notice its owner gets of a change.</summary>
internal static class MfaAccounts
{
    public sealed record Account(MfaUser User, bool ReRegistrationRequired);

    /// <summary>The account and the name the directory knows it by (UPN, else e-mail), or null when there is none.</summary>
    public static async Task<Account?> FindAsync(PortalDbContext db, Guid userId, CancellationToken ct)
    {
        var account = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.UserPrincipalName, u.Email, u.MfaReRegistrationRequired })
            .SingleOrDefaultAsync(ct);
        return account is null
            ? null
            : new Account(new MfaUser(account.Id, account.UserPrincipalName ?? account.Email ?? account.Id.ToString()), account.MfaReRegistrationRequired);
    }

    /// <summary>A notice to the owner alone, each one delivered once (its own source key), with a link to their methods.</summary>
    public static PersonalNotice ChangeNotice(Guid userId, string subject, string summary) =>
        new($"mfa-change:{Guid.NewGuid()}", userId, new NotificationContent(
            "info", subject, summary, null, [], [new NotificationLink("Review your sign-in methods", SignInMethods.PagePath)]));
}
