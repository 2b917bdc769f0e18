using VpnPortal.Web.Features.Account;
using VpnPortal.Web.Features.Api;

namespace VpnPortal.Web.Features;

/// <summary>The one place features register their services and their non-page endpoints.</summary>
public static class PortalFeatures
{
    public static IServiceCollection AddPortalFeatures(this IServiceCollection services)
    {
        services.AddScoped<SignInRecorder>();
        return services;
    }

    public static IEndpointRouteBuilder MapPortalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapAccountEndpoints();
        app.MapApiV1();
        return app;
    }
}
