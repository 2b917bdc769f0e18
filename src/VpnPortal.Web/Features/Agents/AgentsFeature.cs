namespace VpnPortal.Web.Features.Agents;

/// <summary>Agents and their enrolment, the live fleet events and command signals, and the development fleet when asked for.</summary>
public static class AgentsFeature
{
    public static IServiceCollection AddAgentsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FleetEvents>();
        services.AddSingleton<CommandSignals>();
        services.AddScoped<EnrollmentTokens>();
        services.AddScoped<Agents>();
        services.AddScoped<AgentCommandQueue>();
        services.AddOptions<SimulationSettings>().BindConfiguration(SimulationSettings.Section);
        if (configuration.GetValue<bool>($"{SimulationSettings.Section}:Enabled"))
        {
            services.AddHostedService<DevelopmentFleet>();
        }

        return services;
    }
}
