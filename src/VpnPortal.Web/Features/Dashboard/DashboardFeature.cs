namespace VpnPortal.Web.Features.Dashboard;

public static class DashboardFeature
{
    public static IServiceCollection AddDashboardFeature(this IServiceCollection services)
    {
        services.AddScoped<GetDashboard>();
        services.AddScoped<GetFleetActivity>();
        return services;
    }
}
