using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Account;

/// <summary>
/// The person's own authenticator app (TOTP second factor). Showing the setup stores nothing: Identity's way (reset the
/// key, then show it) changes the security stamp, which ends every session of the account at the next session check,
/// before the person has done anything. Here the key offered travels in the form, protected and bound to the account,
/// and is stored only together with a code from the app that matches it. Turning the app off needs a recent sign-in.
/// </summary>
/// <remarks><paramref name="users"/> and <paramref name="store"/> work on <paramref name="db"/> (the request's scope).</remarks>
public sealed class AuthenticatorApp(
    UserManager<PortalUser> users,
    IUserStore<PortalUser> store,
    PortalDbContext db,
    IDataProtectionProvider protection,
    RecentSignIn recent)
{
    /// <summary>How long a setup shown on the page may be confirmed.</summary>
    public static readonly TimeSpan OfferLifetime = TimeSpan.FromMinutes(30);

    public const string ReauthenticateMessage = "For your safety, sign in again before turning off two-factor sign-in.";

    /// <summary>A key to add to the app, its otpauth address, and the form's protected copy of it.</summary>
    public sealed record Offer(string SharedKey, string AuthenticatorUri, string Protected);

    public sealed record Enabled(CommandResult Result, IReadOnlyList<string> RecoveryCodes);

    private ITimeLimitedDataProtector Protector => protection.CreateProtector("VpnPortal.AuthenticatorApp.Offer").ToTimeLimitedDataProtector();

    /// <summary>A new random key for the person to add to their app; nothing is stored.</summary>
    public Offer NewOffer(PortalUser user)
    {
        var key = users.GenerateNewAuthenticatorKey();
        return OfferFor(user, key, Protector.Protect($"{user.Id:N}:{key}", OfferLifetime));
    }

    /// <summary>The offer a posted form carries; null when it was altered, is another account's or is too old.</summary>
    public Offer? ReadOffer(PortalUser user, string? protectedOffer)
    {
        if (string.IsNullOrEmpty(protectedOffer))
        {
            return null;
        }

        try
        {
            var parts = Protector.Unprotect(protectedOffer).Split(':', 2);
            return parts.Length == 2 && parts[0] == user.Id.ToString("N") ? OfferFor(user, parts[1], protectedOffer) : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Stores the offered key and turns the app on, when <paramref name="code"/> is the app's current code for that key.</summary>
    public async Task<Enabled> EnableAsync(PortalUser user, string? protectedOffer, string? code, CancellationToken ct = default)
    {
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            return new(CommandResult.Invalid("", "Two-factor sign-in is on already."), []);
        }

        if (ReadOffer(user, protectedOffer) is not { } offer)
        {
            return new(CommandResult.Invalid("", $"This setup is older than {OfferLifetime.TotalMinutes:0} minutes. Add the new key below to your app and enter its code."), []);
        }

        // Identity checks a code against the stored key: the offered key is set on the tracked account, not saved, and
        // is saved only with the switch below when the code matches.
        await ((IUserAuthenticatorKeyStore<PortalUser>)store).SetAuthenticatorKeyAsync(user, offer.SharedKey, ct);
        var normalized = (code ?? "").Replace(" ", "").Replace("-", "");
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, normalized))
        {
            ForgetUnsavedKey();
            return new(CommandResult.Invalid("Code", "That code is not valid. Check the time on your phone and try the next code."), []);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await users.SetTwoFactorEnabledAsync(user, true);
        if (!result.Succeeded)
        {
            return new(CommandResult.Invalid("", string.Join(" ", result.Errors.Select(e => e.Description))), []);
        }

        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() ?? [];
        db.Audit("account.two-factor-enabled", $"{user.UserName} turned on two-factor sign-in", "user", user.Id.ToString());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(CommandResult.Ok(user.Id), codes);
    }

    /// <summary>Turns the app off and forgets its key, after a sign-in at <paramref name="signedInAt"/> recent enough.</summary>
    public async Task<CommandResult> DisableAsync(PortalUser user, DateTimeOffset? signedInAt, CancellationToken ct = default)
    {
        if (!recent.IsRecent(signedInAt))
        {
            return CommandResult.Invalid("", ReauthenticateMessage);
        }

        if (!await users.GetTwoFactorEnabledAsync(user))
        {
            return CommandResult.Ok(user.Id);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await users.SetTwoFactorEnabledAsync(user, false);
        if (result.Succeeded)
        {
            // A new random key nobody has: the old app entry never works again, even if the app is turned on later.
            result = await users.ResetAuthenticatorKeyAsync(user);
        }

        if (!result.Succeeded)
        {
            return CommandResult.Invalid("", string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        db.Audit("account.two-factor-disabled", $"{user.UserName} turned off two-factor sign-in", "user", user.Id.ToString());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return CommandResult.Ok(user.Id);
    }

    private static Offer OfferFor(PortalUser user, string key, string protectedOffer) =>
        new(key, $"otpauth://totp/{UrlEncoder.Default.Encode("VpnPortal")}:{UrlEncoder.Default.Encode(user.Email ?? user.UserName ?? "")}?secret={key}&issuer=VpnPortal&digits=6", protectedOffer);

    /// <summary>A wrong code leaves nothing behind in the context that a later save could write.</summary>
    private void ForgetUnsavedKey()
    {
        foreach (var entry in db.ChangeTracker.Entries<IdentityUserToken<Guid>>().Where(e => e.State is EntityState.Added or EntityState.Modified).ToList())
        {
            if (entry.State == EntityState.Added)
            {
                entry.State = EntityState.Detached;
            }
            else
            {
                entry.CurrentValues.SetValues(entry.OriginalValues);
                entry.State = EntityState.Unchanged;
            }
        }
    }
}
