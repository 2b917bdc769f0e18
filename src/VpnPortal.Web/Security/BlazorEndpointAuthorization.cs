using Microsoft.AspNetCore.Authorization;

namespace VpnPortal.Web.Security;

/// <summary>
/// Gives Blazor's own endpoints a deliberate audience. Left to the fallback policy (Admin only), OnCall and User
/// could not open a circuit, so their interactive pages would render but never respond.
/// </summary>
public static class BlazorEndpointAuthorization
{
    public static void Apply(EndpointBuilder endpoint)
    {
        var route = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText?.TrimStart('/');
        if (route is null)
        {
            return;
        }

        if (route == "_blazor" || route.StartsWith("_blazor/", StringComparison.Ordinal))
        {
            // The circuit: any signed-in person. Each page in it still authorises itself (AuthorizeRouteView).
            endpoint.Metadata.Add(new AuthorizeAttribute(Policies.SelfService));
        }
        else if (route == "_framework/opaque-redirect")
        {
            // Redirects only to URLs the portal itself encrypted after an enhanced form post, signed in or not.
            endpoint.Metadata.Add(new AllowAnonymousAttribute());
        }
    }
}
