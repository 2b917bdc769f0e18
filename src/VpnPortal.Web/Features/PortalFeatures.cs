using VpnPortal.Web.Features.Account;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Api;
using VpnPortal.Web.Features.Appearance;
using VpnPortal.Web.Features.Me;
using VpnPortal.Web.Features.Metrics;
using VpnPortal.Web.Features.MfaMethods;
using VpnPortal.Web.Features.Notifications;

namespace VpnPortal.Web.Features;

/// <summary>The one place features register their services and their non-page endpoints.</summary>
public static class PortalFeatures
{
    public static IServiceCollection AddPortalFeatures(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<SignInRecorder>();
        services.AddSingleton<RecentSignIn>();
        services.AddScoped<AuthenticatorApp>();
        services.AddMe();
        services.AddAppearanceFeature();
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FleetEvents>();
        services.AddSingleton<CommandSignals>();
        services.AddScoped<EnrollmentTokens>();
        services.AddScoped<Agents.Agents>();
        services.AddScoped<AgentCommandQueue>();
        services.AddScoped<Disconnects.StartDisconnect>();
        services.AddScoped<Disconnects.EndEnforcement>();
        services.AddSingleton<Disconnects.DisconnectEnforcer>();
        services.AddHostedService(sp => sp.GetRequiredService<Disconnects.DisconnectEnforcer>());
        services.AddScoped<Sessions.StaleSessions>();
        services.AddOptions<Rotations.RotationOptions>().BindConfiguration(Rotations.RotationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Rotations.RotationSecrets>();
        services.AddScoped<Rotations.PlanRotation>();
        services.AddScoped<Rotations.RotationEngine>();
        services.AddScoped<Rotations.RotationActions>();
        services.AddScoped<Rotations.GetRotation>();
        services.AddScoped<AgentApi.ICommandPayloadSource, Rotations.PfxPayloadSource>();
        services.AddOptions<Diagnostics.DiagnosticsOptions>().BindConfiguration(Diagnostics.DiagnosticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<Diagnostics.EvaluateFindings>();
        services.AddScoped<Diagnostics.ListFindings>();
        services.AddScoped<Diagnostics.AcknowledgeFinding>();
        services.AddScoped<Diagnostics.SuppressRule>();
        services.AddScoped<Diagnostics.LiftSuppression>();
        services.AddScoped<Diagnostics.ListSuppressions>();
        services.AddScoped<Diagnostics.SaveDiagnosticsSettings>();
        services.AddSingleton<Diagnostics.FindingsEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<Diagnostics.FindingsEvaluator>());
        services.AddSingleton<Rotations.RotationConductor>();
        services.AddHostedService(sp => sp.GetRequiredService<Rotations.RotationConductor>());
        services.AddScoped<Operations.GetOperation>();
        services.AddSingleton<UntrustedCertificates.UntrustedCertificateConvergence>();
        services.AddHostedService(sp => sp.GetRequiredService<UntrustedCertificates.UntrustedCertificateConvergence>());
        services.AddScoped<UntrustedCertificates.ListUntrustedCertificates>();
        services.AddScoped<UntrustedCertificates.UntrustCertificate>();
        services.AddScoped<UntrustedCertificates.RemoveUntrustedCertificate>();
        services.AddScoped<UntrustedCertificates.AdoptUntrustedCertificate>();
        services.AddScoped<UntrustedCertificates.RemoveHeldCertificate>();
        services.AddOptions<Alerts.AlertsOptions>().BindConfiguration(Alerts.AlertsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<Alerts.ScanAlerts>();
        services.AddScoped<Alerts.FindingAlerts>();
        services.AddScoped<Alerts.AcknowledgeAlert>();
        services.AddScoped<Alerts.Silences>();
        services.AddScoped<Alerts.ListAlerts>();
        services.AddScoped<Alerts.GetAlert>();
        services.AddMfaMethods(configuration);
        services.AddSingleton<AgentApi.SnapshotWriteGate>();
        services.AddScoped<AgentApi.ApplySnapshot>();
        services.AddScoped<AgentApi.EnrollAgent>();
        services.AddScoped<AgentApi.CommandDelivery>();
        services.AddNotifications(configuration);
        services.AddPortalMetrics(configuration);
        services.AddOptions<SimulationSettings>().BindConfiguration(SimulationSettings.Section);
        if (configuration.GetValue<bool>($"{SimulationSettings.Section}:Enabled"))
        {
            services.AddHostedService<DevelopmentFleet>();
        }
        return services;
    }

    public static IEndpointRouteBuilder MapPortalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapAccountEndpoints();
        app.MapApiV1();
        Exports.ExportRoutes.MapExports(app);
        AgentApi.AgentEndpoints.MapAgentApi(app);
        app.MapPortalMetrics();
        return app;
    }
}
