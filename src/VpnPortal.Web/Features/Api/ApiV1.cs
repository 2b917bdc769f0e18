using VpnPortal.Web.Features.Audit;
using VpnPortal.Web.Features.Servers;
using VpnPortal.Web.Features.Users;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Api;

/// <summary>
/// The automation API under /api/v1: API keys only (Authorization: Bearer), the same role rules as the pages.
/// Each feature maps its own routes into this group.
/// </summary>
public static class ApiV1
{
    public const string Prefix = "/api/v1";

    public static IEndpointRouteBuilder MapApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix)
            .WithTags("v1")
            .DisableAntiforgery(); // bearer-authenticated, never cookie-authenticated: no ambient credential to forge
        api.MapUsersApi();
        api.MapAuditApi();
        api.MapServersApi();
        Agents.EnrollmentTokensApi.MapEnrollmentTokensApi(api);
        Disconnects.DisconnectsApi.MapDisconnectsApi(api);
        Certificates.CertificatesApi.MapCertificatesApi(api);
        Sessions.SessionsApi.MapSessionsApi(api);
        Rotations.RotationsApi.MapRotationsApi(api);
        Diagnostics.FindingsApi.MapFindingsApi(api);
        UntrustedCertificates.UntrustedCertificatesApi.MapUntrustedCertificatesApi(api);
        OnCall.OnCallApi.MapOnCallApi(api);
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(Policies.Documentation);
        return app;
    }
}
