namespace VpnPortal.Web.Features.OnCall;

public static class OnCallFeature
{
    public static IServiceCollection AddOnCallFeature(this IServiceCollection services)
    {
        services.AddSingleton<Notifications.IOnCallRoster, OnCallRoster>();
        services.AddScoped<OnCallRota>();
        return services;
    }
}
