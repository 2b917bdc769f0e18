using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Account.Oidc;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Account;

/// <summary>
/// "Sign in again" before a sensitive change: ends the portal session and sends the person back through sign-in, which
/// stamps a fresh sign-in time, then returns them to the page they came from.
/// </summary>
public static class Reauthenticate
{
    public const string Path = "/account/reauthenticate";

    public static IEndpointRouteBuilder MapReauthenticate(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, async (HttpContext http, IAntiforgery antiforgery, SignInManager<PortalUser> signIn, PortalDbContext db, IOptions<OidcOptions> oidc) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Problem("The form was not valid (missing or wrong antiforgery token). Reload the page and try again.", statusCode: StatusCodes.Status400BadRequest);
            }

            var form = await http.Request.ReadFormAsync();
            var returnUrl = LocalReturnUrl.Or(form["returnUrl"], "/");
            // A session that began at the organisation's provider proves itself there again. (Asking the account's logins
            // could not tell: they are stored under the provider's issuer, not the scheme's name.)
            var organisational = oidc.Value.Enabled && PortalClaims.SignInMethod(http.User) == PortalClaims.OrganisationMethod;
            db.Audit("account.reauthentication-started", $"{http.User.Identity?.Name} signed out to sign in again before a sensitive change");
            await db.SaveChangesAsync();
            await signIn.SignOutAsync();
            return Results.Redirect(organisational
                ? $"{OrganisationSignIn.StartPath}?returnUrl={Uri.EscapeDataString(returnUrl)}&reauthenticate=true"
                : $"/account/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}");
        })
        .RequireAuthorization()
        .DisableAntiforgery(); // validated explicitly above
        return app;
    }
}
