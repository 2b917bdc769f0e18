using VpnPortal.Migrations.Postgres;
using VpnPortal.Migrations.SqlServer;
using VpnPortal.Web.Hosting;

namespace VpnPortal.Web.Features.Agents;

/// <summary>Agents and their enrolment, the live fleet events and command signals (and their relay between nodes), and the development fleet when asked for.</summary>
public static class AgentsFeature
{
    public static IServiceCollection AddAgentsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FleetEvents>();
        services.AddSingleton<CommandSignals>();
        // Nodes sharing a PostgreSQL or SQL Server database tell each other of changes; SQLite is one node by definition.
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (database.Provider == PostgresProvider.Name && (database.ConnectionString ?? configuration.GetConnectionString("Portal")) is { Length: > 0 } connectionString)
        {
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PostgresNodeRelay>(sp, connectionString));
            services.AddHostedService(sp => sp.GetRequiredService<PostgresNodeRelay>());
        }
        else if (database.Provider == SqlServerProvider.Name)
        {
            // SQL Server has no LISTEN/NOTIFY: nodes leave each other signals in a table instead.
            services.AddSingleton<TableNodeRelay>();
            services.AddHostedService(sp => sp.GetRequiredService<TableNodeRelay>());
        }

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
