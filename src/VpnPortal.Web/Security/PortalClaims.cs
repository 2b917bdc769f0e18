using System.Globalization;
using System.Security.Claims;

namespace VpnPortal.Web.Security;

/// <summary>Claims the portal adds to its sign-in cookie.</summary>
public static class PortalClaims
{
    /// <summary>When the person last proved who they are (password, second factor or the organisation's provider), in Unix seconds.</summary>
    public const string SignedInAtType = "vpnportal:signed-in-at";

    /// <summary>How the session began: <see cref="PasswordMethod"/> or <see cref="OrganisationMethod"/> (like OpenID Connect's amr).</summary>
    public const string SignInMethodType = "vpnportal:sign-in-method";

    /// <summary>The portal's own password, with or without a second factor (also the first admin's setup).</summary>
    public const string PasswordMethod = "pwd";

    /// <summary>The organisation's OpenID Connect provider.</summary>
    public const string OrganisationMethod = "oidc";

    /// <summary>Claims that belong to the session, not to the account: kept when the principal is rebuilt from the database.</summary>
    public static readonly IReadOnlyList<string> SessionTypes = [SignedInAtType, SignInMethodType];

    public static Claim SignedInAtClaim(DateTimeOffset at) =>
        new(SignedInAtType, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64);

    public static DateTimeOffset? SignedInAt(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(SignedInAtType), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    /// <summary>
    /// How the session began. Identity names an external scheme in <see cref="ClaimTypes.AuthenticationMethod"/>, and the
    /// organisation's provider is the portal's only one; a cookie from before the method was stamped is read the same way.
    /// </summary>
    public static string SignInMethod(ClaimsPrincipal principal) =>
        principal.FindFirstValue(SignInMethodType)
        ?? (principal.HasClaim(c => c.Type == ClaimTypes.AuthenticationMethod) ? OrganisationMethod : PasswordMethod);

    public static Claim SignInMethodClaim(IEnumerable<Claim> signInClaims) =>
        new(SignInMethodType, signInClaims.Any(c => c.Type == ClaimTypes.AuthenticationMethod) ? OrganisationMethod : PasswordMethod);
}
