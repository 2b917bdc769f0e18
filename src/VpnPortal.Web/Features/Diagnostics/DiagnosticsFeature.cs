namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>Findings, their acknowledgement and suppression, the diagnostics settings, and the evaluator that keeps findings current.</summary>
public static class DiagnosticsFeature
{
    public static IServiceCollection AddDiagnosticsFeature(this IServiceCollection services)
    {
        services.AddOptions<DiagnosticsOptions>().BindConfiguration(DiagnosticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<EvaluateFindings>();
        services.AddScoped<ListFindings>();
        services.AddScoped<GetFindingsOverview>();
        services.AddScoped<AcknowledgeFinding>();
        services.AddScoped<SuppressRule>();
        services.AddScoped<LiftSuppression>();
        services.AddScoped<ListSuppressions>();
        services.AddScoped<GetServerFindings>();
        services.AddScoped<GetDiagnosticsSettings>();
        services.AddScoped<SaveDiagnosticsSettings>();
        services.AddSingleton<FindingsEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<FindingsEvaluator>());
        return services;
    }
}
