using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Account.Oidc;

namespace VpnPortal.Web.Features.Account;

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A POST with the antiforgery token: a link or a forged form cannot sign someone out.
        app.MapPost("/account/sign-out", async (HttpContext http, IAntiforgery antiforgery, SignInManager<PortalUser> signIn, PortalDbContext db,
            IOptions<OidcOptions> oidc, IServiceProvider services) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Problem("The sign-out form was not valid (missing or wrong antiforgery token). Reload the page and try again.", statusCode: StatusCodes.Status400BadRequest);
            }

            // Read before the cookie is gone: a session from the organisation sign-in ends at the provider too.
            var session = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
            var idToken = session.Properties?.GetTokenValue(OidcScheme.IdTokenName);
            if (http.User.Identity?.IsAuthenticated == true)
            {
                db.Audit("account.signed-out", $"{http.User.Identity.Name} signed out");
                await db.SaveChangesAsync();
            }

            await signIn.SignOutAsync();
            var endSession = idToken is not null && oidc.Value.Enabled ? await EndSessionUrlAsync(http, services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OidcScheme.Name), oidc.Value, idToken) : null;
            return Results.Redirect(endSession ?? "/account/sign-in");
        })
        .AllowAnonymous()
        .DisableAntiforgery(); // validated explicitly above, since the endpoint binds no form fields
        app.MapOrganisationSignIn();
        app.MapReauthenticate();
        return app;
    }

    /// <summary>
    /// OpenID Connect RP-Initiated Logout: the provider's end_session_endpoint with the id_token as hint and where to
    /// come back; null when the provider has none (or cannot be reached: the portal session is over either way).
    /// </summary>
    private static async Task<string?> EndSessionUrlAsync(HttpContext http, OpenIdConnectOptions scheme, OidcOptions o, string idToken)
    {
        try
        {
            var configuration = await scheme.ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
            if (string.IsNullOrEmpty(configuration.EndSessionEndpoint))
            {
                return null;
            }

            var back = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{o.PostLogoutRedirectPath}";
            return QueryHelpers.AddQueryString(configuration.EndSessionEndpoint, new Dictionary<string, string?>
            {
                ["id_token_hint"] = idToken,
                ["post_logout_redirect_uri"] = back,
                ["client_id"] = o.ClientId,
            });
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccountEndpoints))
                .LogWarning(ex, "Signed out of the portal; the identity provider could not be reached to end its session");
            return null;
        }
    }
}
