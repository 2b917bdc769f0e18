namespace VpnPortal.Web.AgentApi;

/// <summary>The agent channel's services: enrolment, snapshots and command delivery.</summary>
public static class AgentApiFeature
{
    public static IServiceCollection AddAgentApiFeature(this IServiceCollection services)
    {
        services.AddSingleton<SnapshotWriteGate>();
        services.AddScoped<ApplySnapshot>();
        services.AddScoped<EnrollAgent>();
        services.AddScoped<CommandDelivery>();
        return services;
    }
}
