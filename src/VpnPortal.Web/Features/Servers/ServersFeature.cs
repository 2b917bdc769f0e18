using VpnPortal.Web.Features.Servers.Live;

namespace VpnPortal.Web.Features.Servers;

public static class ServersFeature
{
    public static IServiceCollection AddServersFeature(this IServiceCollection services)
    {
        services.AddScoped<ListServers>();
        services.AddScoped<ListServerChoices>();
        services.AddScoped<GetServer>();
        services.AddScoped<GetServerActivity>();
        services.AddScoped<SaveRrasServer>();
        services.AddScoped<SaveNpsServer>();
        services.AddScoped<DeleteServer>();
        return services;
    }
}
