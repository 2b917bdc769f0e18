using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Security;

/// <summary>What a signed-in session is worth now, compared with the account in the database.</summary>
public enum SessionStanding
{
    /// <summary>Nobody is signed in: there is nothing to end.</summary>
    Anonymous,

    /// <summary>The session goes on, with the roles it carries.</summary>
    Valid,

    /// <summary>The account is still signed in, but its roles changed since the session's principal was made.</summary>
    RolesChanged,

    /// <summary>The session is over: a new security stamp, a disabled account, password sign-in switched off, or not a sign-in cookie.</summary>
    Ended,
}

/// <summary>
/// The check an open Blazor circuit and the sign-in page make of a session principal. Whether the session may go on
/// at all is the sign-in manager's decision (the same one the cookie's revalidation makes); this only adds the roles.
/// </summary>
public static class SessionCheck
{
    public sealed record Result(SessionStanding Standing, PortalUser? User);

    public static async Task<Result> CheckAsync(SignInManager<PortalUser> signIn, ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            return new(SessionStanding.Anonymous, null);
        }

        // Circuits and pages carry the cookie's principal only (the /_blazor endpoints accept the cookie scheme
        // alone); anything else, such as an API key's principal, is no session to keep alive.
        if (principal.Identity.AuthenticationType != IdentityConstants.ApplicationScheme)
        {
            return new(SessionStanding.Ended, null);
        }

        var user = await signIn.ValidateSecurityStampAsync(principal);
        if (user is null)
        {
            return new(SessionStanding.Ended, null);
        }

        var roleType = signIn.Options.ClaimsIdentity.RoleClaimType;
        var held = principal.FindAll(roleType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var current = await signIn.UserManager.GetRolesAsync(user);
        return new(held.SetEquals(current) ? SessionStanding.Valid : SessionStanding.RolesChanged, user);
    }
}
