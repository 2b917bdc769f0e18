namespace VpnPortal.Web.Features.Disconnects;

public static class DisconnectsFeature
{
    public static IServiceCollection AddDisconnectsFeature(this IServiceCollection services)
    {
        services.AddScoped<StartDisconnect>();
        services.AddScoped<EndEnforcement>();
        services.AddSingleton<DisconnectEnforcer>();
        services.AddHostedService(sp => sp.GetRequiredService<DisconnectEnforcer>());
        return services;
    }
}
