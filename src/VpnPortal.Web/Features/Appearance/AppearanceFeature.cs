namespace VpnPortal.Web.Features.Appearance;

public static class AppearanceFeature
{
    public static IServiceCollection AddAppearanceFeature(this IServiceCollection services)
    {
        services.AddScoped<PersonalView>();
        services.AddScoped<SaveDisplayPreference>();
        return services;
    }
}
