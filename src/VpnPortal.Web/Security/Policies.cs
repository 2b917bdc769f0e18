using Microsoft.AspNetCore.Authorization;
using VpnPortal.Data;

namespace VpnPortal.Web.Security;

/// <summary>Authorization policies. Pages and endpoints name one of these; nothing is open by default.</summary>
public static class Policies
{
    /// <summary>Admins: every change to the fleet, users and settings; the audit log.</summary>
    public const string Admin = "Admin";

    /// <summary>Admins and on-call staff: read the fleet, certificates and alerts.</summary>
    public const string Operator = "Operator";

    /// <summary>Any signed-in person: their own self-service area.</summary>
    public const string SelfService = "SelfService";

    /// <summary>The same three rules for API keys (Bearer) on /api/v1.</summary>
    public const string ApiAdmin = "ApiAdmin";
    public const string ApiOperator = "ApiOperator";
    public const string ApiSelfService = "ApiSelfService";

    /// <summary>The OpenAPI document: any signed-in person or API key.</summary>
    public const string Documentation = "Documentation";

    public static void Configure(AuthorizationOptions o, string cookieScheme, string apiScheme)
    {
        AuthorizationPolicy Build(string scheme, params string[] roles)
        {
            var b = new AuthorizationPolicyBuilder(scheme).RequireAuthenticatedUser();
            if (roles.Length > 0)
            {
                b.RequireRole(roles);
            }

            return b.Build();
        }

        o.AddPolicy(Admin, Build(cookieScheme, Roles.Admin));
        o.AddPolicy(Operator, Build(cookieScheme, Roles.Admin, Roles.OnCall));
        o.AddPolicy(SelfService, Build(cookieScheme));
        o.AddPolicy(ApiAdmin, Build(apiScheme, Roles.Admin));
        o.AddPolicy(ApiOperator, Build(apiScheme, Roles.Admin, Roles.OnCall));
        o.AddPolicy(ApiSelfService, Build(apiScheme));
        o.AddPolicy(Documentation, new AuthorizationPolicyBuilder(cookieScheme, apiScheme).RequireAuthenticatedUser().Build());

        // An endpoint or page that forgets to say who may use it is closed, not open.
        o.FallbackPolicy = Build(cookieScheme, Roles.Admin);
    }
}
