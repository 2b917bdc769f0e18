using System.Globalization;
using System.Security.Claims;

namespace VpnPortal.Web.Security;

/// <summary>Claims the portal adds to its sign-in cookie.</summary>
public static class PortalClaims
{
    /// <summary>When the person last proved who they are (password, second factor or the organisation's provider), in Unix seconds.</summary>
    public const string SignedInAtType = "vpnportal:signed-in-at";

    public static Claim SignedInAtClaim(DateTimeOffset at) =>
        new(SignedInAtType, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64);

    public static DateTimeOffset? SignedInAt(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(SignedInAtType), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
