using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace VpnPortal.Web.Tests.Support;

/// <summary>Every route the running portal maps, read from its endpoint data source (pages, API, framework).</summary>
public static class PortalRoutes
{
    /// <summary>A route as the authorisation matrix names it: "PAGE /me", "GET /api/v1/servers", "* /_blazor" (any method).</summary>
    public sealed record Route(string Key, string Pattern, IReadOnlyList<string> Methods, bool IsPage, Endpoint Endpoint);

    public static IReadOnlyList<Route> All(IServiceProvider services)
    {
        var routes = new List<Route>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints)
        {
            if (IsStaticAsset(endpoint))
            {
                // Skipped: MapStaticAssets endpoints (none yet; UseStaticFiles serves wwwroot before routing) only serve the
                // public files of wwwroot and packages (css, js, images) that every visitor's browser must load, the
                // sign-in page included. Nothing private may live in wwwroot.
                continue;
            }

            if (endpoint is not RouteEndpoint route)
            {
                throw new InvalidOperationException($"Endpoint '{endpoint.DisplayName}' is not a route endpoint; teach PortalRoutes how to reach it.");
            }

            var pattern = route.RoutePattern.RawText ?? throw new InvalidOperationException($"Endpoint '{endpoint.DisplayName}' has no route text.");
            if (!pattern.StartsWith('/'))
            {
                pattern = "/" + pattern;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var isPage = endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;
            var key = isPage
                ? $"PAGE {pattern}"
                : $"{(methods.Count == 0 ? "*" : string.Join(",", methods))} {pattern}";
            routes.Add(new Route(key, pattern, methods.ToList(), isPage, endpoint));
        }

        return routes;
    }

    /// <summary>A concrete URL for a route pattern, with sample values for its parameters.</summary>
    public static string SamplePath(string pattern)
    {
        var parsed = RoutePatternFactory.Parse(pattern);
        var path = new System.Text.StringBuilder();
        foreach (var segment in parsed.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => SampleValue(pattern, parameter),
                    _ => throw new InvalidOperationException($"Unknown route part in {pattern}"),
                });
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    private static string SampleValue(string pattern, RoutePatternParameterPart parameter)
    {
        var constraints = parameter.ParameterPolicies.Select(p => p.Content).ToList();
        if (constraints.Contains("guid"))
        {
            return "5b0f3c1e-8a0d-4f6e-9c41-2a7d3e9b6c10";
        }

        if (constraints.Contains("int") || constraints.Contains("long"))
        {
            return "1";
        }

        return parameter.Name switch
        {
            "documentName" => "v1",
            _ => throw new InvalidOperationException(
                $"No sample value for {{{parameter.Name}}} in {pattern}: give its matrix row a SamplePath, or add a sample here."),
        };
    }

    private static bool IsStaticAsset(Endpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().FullName == "Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor");
}
