using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Account.Oidc;

namespace VpnPortal.Web.Security;

/// <summary>
/// Identity's sign-in manager, refusing disabled accounts (also when a cookie is revalidated), ending password sessions
/// once password sign-in is switched off, and stamping each sign-in with its time and method so that sensitive changes
/// can ask for a recent one. A password is hashed and compared for every attempt, whatever the account's state, so how
/// long the answer takes does not tell whether the account exists, is disabled or locked; a wrong recovery code counts
/// toward lockout like a wrong authenticator code.
/// </summary>
public sealed class PortalSignInManager(
    UserManager<PortalUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<PortalUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<PortalUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation,
    TimeProvider time,
    IOptionsMonitor<LocalSignInOptions> local)
    : SignInManager<PortalUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    private static string? s_decoyHash;

    private List<Claim>? _keptSessionClaims;

    public override async Task<bool> CanSignInAsync(PortalUser user) =>
        !user.IsDisabled && await base.CanSignInAsync(user);

    /// <summary>
    /// The password sign-in form's one call. The user is null for an unknown e-mail, whose password is still hashed and
    /// compared, against a decoy, so that it takes as long as a wrong password.
    /// </summary>
    public async Task<(PortalUser? User, SignInResult Result)> PasswordSignInByEmailAsync(string email, string password, bool isPersistent)
    {
        var user = email.Length is > 0 and <= 256 ? await UserManager.FindByEmailAsync(email) : null;
        if (user is null)
        {
            SpendPasswordCheck(null, password);
            return (null, SignInResult.Failed);
        }

        return (user, await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure: true));
    }

    /// <summary>
    /// Identity answers a disabled or locked-out account before it looks at the password, and an account without a
    /// password (organisation sign-in only) without hashing anything: here each of them costs one password check too.
    /// </summary>
    public override async Task<SignInResult> CheckPasswordSignInAsync(PortalUser user, string password, bool lockoutOnFailure)
    {
        if (user.PasswordHash is null || await PreSignInCheck(user) is not null)
        {
            SpendPasswordCheck(user, password);
        }

        return await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
    }

    /// <summary>
    /// Identity does not count a wrong recovery code as a failed attempt (nor refuse one while the account is locked out):
    /// ten codes of eight characters are guessable with enough tries, so here they count toward lockout like any code.
    /// </summary>
    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return SignInResult.Failed;
        }

        if (await IsLockedOut(user))
        {
            return await LockedOut(user);
        }

        var result = await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        if (result.Succeeded || !UserManager.SupportsUserLockout)
        {
            return result;
        }

        await UserManager.AccessFailedAsync(user);
        return await UserManager.IsLockedOutAsync(user) ? await LockedOut(user) : result;
    }

    /// <summary>
    /// Runs when the cookie or an open circuit is revalidated (every Security:SessionCheckInterval, a minute by default):
    /// a disabled account, and a password session of anyone but a break-glass admin after password sign-in was switched
    /// off (settings reload), end here.
    /// </summary>
    public override async Task<PortalUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        if (user is null || user.IsDisabled)
        {
            return null;
        }

        if (PortalClaims.SignInMethod(principal!) == PortalClaims.PasswordMethod && !local.CurrentValue.Allows(user.Email))
        {
            Logger.LogInformation("Ended the password session of {User}: password sign-in is switched off", user.UserName);
            return null;
        }

        return user;
    }

    /// <summary>Every sign-in path ends here; a refresh (below) keeps the original time and method instead of new ones.</summary>
    public override Task SignInWithClaimsAsync(PortalUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var claims = additionalClaims.Where(c => !PortalClaims.SessionTypes.Contains(c.Type)).ToList();
        var session = _keptSessionClaims is { Count: > 0 } kept ? kept : [PortalClaims.SignedInAtClaim(time.GetUtcNow()), PortalClaims.SignInMethodClaim(claims)];
        return base.SignInWithClaimsAsync(user, authenticationProperties, claims.Concat(session));
    }

    /// <summary>Hashes and compares the password, for the time it takes only: the answer was decided already.</summary>
    private void SpendPasswordCheck(PortalUser? user, string password)
    {
        var hasher = UserManager.PasswordHasher;
        var decoy = s_decoyHash ??= hasher.HashPassword(new PortalUser(), Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        hasher.VerifyHashedPassword(user ?? new PortalUser(), user?.PasswordHash ?? decoy, password);
    }

    /// <summary>A refresh re-issues the cookie with new claims (a role change), which is not a new proof of identity.</summary>
    public override async Task RefreshSignInAsync(PortalUser user)
    {
        var current = await Context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        _keptSessionClaims = current.Principal?.Claims.Where(c => PortalClaims.SessionTypes.Contains(c.Type)).ToList();
        try
        {
            await base.RefreshSignInAsync(user);
        }
        finally
        {
            _keptSessionClaims = null;
        }
    }
}
