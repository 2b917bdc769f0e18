using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace VpnPortal.Web.Features.Metrics;

/// <summary>
/// Prometheus metrics at <see cref="Path"/> (decision 0022): the portal's own meter and the ones .NET and ASP.NET Core
/// publish, served to the networks <see cref="MetricsAccess"/> allows. The portal's instruments are always registered
/// (recording into a meter nobody listens to costs nothing); with <c>Metrics:Enabled=false</c> nothing listens and
/// the path does not exist.
/// </summary>
public static class MetricsFeature
{
    public const string Path = "/metrics";

    /// <summary>The meters .NET publishes by itself that /metrics includes (requests, connections, routing, runtime, EF Core, outgoing HTTP).</summary>
    public static readonly string[] PlatformMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "System.Runtime",
        "Microsoft.EntityFrameworkCore",
        "System.Net.Http",
    ];

    public static IServiceCollection AddMetricsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<PortalMetrics>();
        services.AddSingleton<FleetGauges>();
        services.AddSingleton<MetricsAccess>();
        if (!Enabled(configuration))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("vpnportal"))
            .WithMetrics(metrics => metrics
                .AddMeter([PortalMetrics.MeterName, .. PlatformMeters])
                // Every scrape collects afresh: the figures from the database are cached by FleetGauges instead.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        services.ConfigureOpenTelemetryMeterProvider((sp, metrics) => metrics.AddView(View(sp.GetRequiredService<IMeterFactory>())));
        return services;
    }

    public static IEndpointRouteBuilder MapPortalMetrics(this IEndpointRouteBuilder app)
    {
        if (!Enabled(app.ServiceProvider.GetRequiredService<IConfiguration>()))
        {
            // Not the fallback, which sends the anonymous to the sign-in page: a scraper is told plainly there is nothing here.
            app.MapGet(Path, () => Results.NotFound()).AllowAnonymous().ExcludeFromDescription();
            return app;
        }

        var access = app.ServiceProvider.GetRequiredService<MetricsAccess>();
        var gauges = app.ServiceProvider.GetRequiredService<FleetGauges>();
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch =>
            {
                branch.Use(access.RefuseOthersAsync);
                branch.Use(async (context, next) =>
                {
                    await gauges.RefreshAsync(context.RequestAborted);
                    await next(context);
                });
            }, optionsName: null)
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static bool Enabled(IConfiguration configuration) => configuration.GetValue($"{MetricsOptions.Section}:Enabled", true);

    /// <summary>
    /// One view for every instrument (several views matching one instrument would each make a stream of it). It leaves
    /// out instruments of meters another host's <see cref="IMeterFactory"/> made: the SDK listens by meter name across
    /// the process, and where several hosts run in one process (tests) each would otherwise report the others'. And it
    /// keeps the host or address the portal called out of the outgoing HTTP and DNS metrics (webhooks, Graph, a relay):
    /// no dashboard needs it, and a label must never carry an address. HttpClients made without the factory record on
    /// the process-wide meter, which no host owns, so this holds for them too.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> View(IMeterFactory factory) => instrument =>
    {
        if (instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, factory))
        {
            return MetricStreamConfiguration.Drop;
        }

        string[]? keep = instrument.Name switch
        {
            "http.client.request.duration" => ["error.type", "http.request.method", "http.response.status_code", "network.protocol.version", "server.port", "url.scheme"],
            "http.client.active_requests" => ["http.request.method", "server.port", "url.scheme"],
            "http.client.request.time_in_queue" => ["http.request.method", "network.protocol.version", "server.port", "url.scheme"],
            "http.client.open_connections" => ["http.connection.state", "network.protocol.version", "server.port", "url.scheme"],
            "http.client.connection.duration" => ["network.protocol.version", "server.port", "url.scheme"],
            "dns.lookup.duration" => ["error.type"],
            _ => null,
        };
        return keep is null ? null : new MetricStreamConfiguration { TagKeys = keep };
    };
}
