namespace VpnPortal.Web.Features.Sessions;

public static class SessionsFeature
{
    public static IServiceCollection AddSessionsFeature(this IServiceCollection services)
    {
        services.AddScoped<ListLiveSessions>();
        services.AddScoped<ListConnectedServers>();
        services.AddScoped<StaleSessions>();
        return services;
    }
}
