namespace VpnPortal.Web.Features.Rotations;

/// <summary>SSTP certificate rollouts: planning, the engine and its conductor, the held PFX secrets and the import command's payload.</summary>
public static class RotationsFeature
{
    public static IServiceCollection AddRotationsFeature(this IServiceCollection services)
    {
        services.AddOptions<RotationOptions>().BindConfiguration(RotationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RotationSecrets>();
        services.AddScoped<ListRotationServers>();
        services.AddScoped<PlanRotation>();
        services.AddScoped<RotationEngine>();
        services.AddScoped<RotationActions>();
        services.AddScoped<GetRotation>();
        services.AddScoped<AgentApi.ICommandPayloadSource, PfxPayloadSource>();
        services.AddSingleton<RotationConductor>();
        services.AddHostedService(sp => sp.GetRequiredService<RotationConductor>());
        return services;
    }
}
