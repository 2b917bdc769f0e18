using VpnPortal.Web.AgentApi;
using VpnPortal.Web.Features.Account;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Alerts;
using VpnPortal.Web.Features.Api;
using VpnPortal.Web.Features.Appearance;
using VpnPortal.Web.Features.Audit;
using VpnPortal.Web.Features.Certificates;
using VpnPortal.Web.Features.Dashboard;
using VpnPortal.Web.Features.Diagnostics;
using VpnPortal.Web.Features.Disconnects;
using VpnPortal.Web.Features.Me;
using VpnPortal.Web.Features.Metrics;
using VpnPortal.Web.Features.MfaMethods;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Features.OnCall;
using VpnPortal.Web.Features.Operations;
using VpnPortal.Web.Features.Rotations;
using VpnPortal.Web.Features.Servers;
using VpnPortal.Web.Features.Sessions;
using VpnPortal.Web.Features.Setup;
using VpnPortal.Web.Features.UntrustedCertificates;
using VpnPortal.Web.Features.Users;

namespace VpnPortal.Web.Features;

/// <summary>
/// The one place the features are put together: each feature folder registers its own services (its handlers, options
/// and background workers) in its <c>Add…Feature</c>, and maps its own endpoints.
/// </summary>
public static class PortalFeatures
{
    public static IServiceCollection AddPortalFeatures(this IServiceCollection services, IConfiguration configuration) => services
        .AddAccountFeature(configuration)
        .AddSetupFeature()
        .AddMeFeature()
        .AddAppearanceFeature()
        .AddAgentsFeature(configuration)
        .AddAgentApiFeature()
        .AddServersFeature()
        .AddSessionsFeature()
        .AddCertificatesFeature()
        .AddDashboardFeature()
        .AddAuditFeature()
        .AddDisconnectsFeature()
        .AddDiagnosticsFeature()
        .AddRotationsFeature()
        .AddOperationsFeature()
        .AddUntrustedCertificatesFeature()
        .AddAlertsFeature()
        .AddUsersFeature()
        .AddOnCallFeature()
        .AddMfaMethodsFeature(configuration)
        .AddNotificationsFeature(configuration)
        .AddMetricsFeature(configuration);

    public static IEndpointRouteBuilder MapPortalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapAccountEndpoints();
        app.MapApiV1();
        Exports.ExportRoutes.MapExports(app);
        AgentEndpoints.MapAgentApi(app);
        app.MapPortalMetrics();
        return app;
    }
}
