using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Security;

/// <summary>
/// Identity's sign-in manager, refusing disabled accounts (also when a cookie is revalidated), and stamping each sign-in
/// with its time so that sensitive changes can ask for a recent one.
/// </summary>
public sealed class PortalSignInManager(
    UserManager<PortalUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<PortalUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<PortalUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation,
    TimeProvider time)
    : SignInManager<PortalUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    private Claim? _keptSignInTime;

    public override async Task<bool> CanSignInAsync(PortalUser user) =>
        !user.IsDisabled && await base.CanSignInAsync(user);

    public override async Task<PortalUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        return user is { IsDisabled: true } ? null : user;
    }

    /// <summary>Every sign-in path ends here; a refresh (below) keeps the original time instead of a new one.</summary>
    public override Task SignInWithClaimsAsync(PortalUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims) =>
        base.SignInWithClaimsAsync(user, authenticationProperties,
            additionalClaims.Where(c => c.Type != PortalClaims.SignedInAtType).Append(_keptSignInTime ?? PortalClaims.SignedInAtClaim(time.GetUtcNow())));

    /// <summary>A refresh re-issues the cookie with new claims (a role change), which is not a new proof of identity.</summary>
    public override async Task RefreshSignInAsync(PortalUser user)
    {
        var current = await Context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        _keptSignInTime = current.Principal?.FindFirst(PortalClaims.SignedInAtType);
        try
        {
            await base.RefreshSignInAsync(user);
        }
        finally
        {
            _keptSignInTime = null;
        }
    }
}
