using VpnPortal.Web.Features.Audit;
using VpnPortal.Web.Features.Certificates;
using VpnPortal.Web.Features.Diagnostics;
using VpnPortal.Web.Features.Servers;
using VpnPortal.Web.Features.Sessions;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Exports;

/// <summary>
/// CSV downloads of what a table's filter shows, under /export: signed-in people (the cookie, as the pages), GET only,
/// nothing changed. Each feature maps its own file into the group with the policy its page has.
/// </summary>
public static class ExportRoutes
{
    public const string Prefix = "/export";

    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).ExcludeFromDescription().RequireAuthorization(Policies.SelfService);
        group.MapAuditExport();
        group.MapCertificatesExport();
        group.MapFindingsExport();
        group.MapSessionsExport();
        group.MapServersExport();
        return app;
    }
}
