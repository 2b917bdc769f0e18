namespace VpnPortal.Web.Features.Alerts;

public static class AlertsFeature
{
    public static IServiceCollection AddAlertsFeature(this IServiceCollection services)
    {
        services.AddOptions<AlertsOptions>().BindConfiguration(AlertsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ScanAlerts>();
        services.AddSingleton<CertificateNameCatchUp>();
        services.AddScoped<FindingAlerts>();
        services.AddScoped<AcknowledgeAlert>();
        services.AddScoped<Silences>();
        services.AddScoped<ListAlerts>();
        services.AddScoped<GetAlert>();
        return services;
    }
}
