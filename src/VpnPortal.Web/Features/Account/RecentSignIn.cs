using System.Security.Claims;
using Microsoft.Extensions.Options;
using VpnPortal.Web.Features.MfaMethods;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Account;

/// <summary>
/// Whether the person proved who they are recently enough for a sensitive change (a phone number, an API key, turning
/// off the authenticator app): a sign-in within Mfa:ReauthenticateWithin. Otherwise they are offered to sign in again
/// (<see cref="Reauthenticate"/>). An API key's principal carries no sign-in, so it is never recent.
/// </summary>
public sealed class RecentSignIn(IOptions<MfaOptions> options, TimeProvider time)
{
    public TimeSpan Within => options.Value.ReauthenticateWithin;

    public bool IsRecent(DateTimeOffset? signedInAt) =>
        signedInAt is { } at && time.GetUtcNow() - at <= Within;

    public bool IsRecent(ClaimsPrincipal principal) => IsRecent(PortalClaims.SignedInAt(principal));
}
