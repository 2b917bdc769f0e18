namespace VpnPortal.Web.Features.Setup;

/// <summary>The first admin's one-time setup link: issued at start-up on an empty database, used once on the setup page.</summary>
public static class SetupFeature
{
    public static IServiceCollection AddSetupFeature(this IServiceCollection services)
    {
        services.AddScoped<FirstAdminSetup>();
        return services;
    }
}
