namespace VpnPortal.Web.Features.Me;

/// <summary>The self-service area's services (the account page, API keys).</summary>
public static class MeFeature
{
    public static IServiceCollection AddMeFeature(this IServiceCollection services)
    {
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ApiKeys>();
        services.AddScoped<GetMyAccount>();
        return services;
    }
}
