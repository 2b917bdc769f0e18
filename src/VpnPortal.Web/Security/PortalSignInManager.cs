using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Account.Oidc;

namespace VpnPortal.Web.Security;

/// <summary>
/// Identity's sign-in manager, refusing disabled accounts (also when a cookie is revalidated), ending password sessions
/// once password sign-in is switched off, and stamping each sign-in with its time and method so that sensitive changes
/// can ask for a recent one.
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
    private List<Claim>? _keptSessionClaims;

    public override async Task<bool> CanSignInAsync(PortalUser user) =>
        !user.IsDisabled && await base.CanSignInAsync(user);

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
