using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Account;

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A POST with the antiforgery token: a link or a forged form cannot sign someone out.
        app.MapPost("/account/sign-out", async (HttpContext http, IAntiforgery antiforgery, SignInManager<PortalUser> signIn, PortalDbContext db) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Problem("The sign-out form was not valid (missing or wrong antiforgery token). Reload the page and try again.", statusCode: StatusCodes.Status400BadRequest);
            }

            if (http.User.Identity?.IsAuthenticated == true)
            {
                db.Audit("account.signed-out", $"{http.User.Identity.Name} signed out");
                await db.SaveChangesAsync();
            }

            await signIn.SignOutAsync();
            return Results.Redirect("/account/sign-in");
        })
        .AllowAnonymous()
        .DisableAntiforgery(); // validated explicitly above, since the endpoint binds no form fields
        app.MapReauthenticate();
        return app;
    }
}
