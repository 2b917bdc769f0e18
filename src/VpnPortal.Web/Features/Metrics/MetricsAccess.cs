using System.Net;
using Microsoft.Extensions.Options;

namespace VpnPortal.Web.Features.Metrics;

/// <summary>
/// Who may read /metrics: loopback and the networks in <c>Metrics:AllowedNetworks</c>, judged on the client address
/// after the forwarded headers were applied (the TCP peer, or behind a proxy in <c>ForwardedHeaders:KnownProxies</c>
/// the address that proxy forwarded). A request that still carries <c>X-Forwarded-For</c> or <c>Forwarded</c> came
/// through a proxy the portal does not trust (or more hops than it reads): its peer is that proxy, often on loopback,
/// not the caller, so it is refused. Scrapers need no account; they are kept to the operators' networks instead.
/// </summary>
public sealed class MetricsAccess(IOptions<MetricsOptions> options)
{
    private readonly IReadOnlyList<System.Net.IPNetwork> _networks = options.Value.Networks();

    public bool Allows(HttpContext context) => Allows(context.Connection.RemoteIpAddress, context.Request.Headers);

    public bool Allows(IPAddress? client, IHeaderDictionary headers)
    {
        if (client is null || headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("Forwarded"))
        {
            return false;
        }

        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        return IPAddress.IsLoopback(client) || _networks.Any(n => n.Contains(client));
    }

    /// <summary>Answers 403 to everyone <see cref="Allows(HttpContext)"/> refuses, before anything is collected.</summary>
    public async Task RefuseOthersAsync(HttpContext context, RequestDelegate next)
    {
        if (Allows(context))
        {
            await next(context);
            return;
        }

        // With a body, so the status code pages leave it as it is: a scraper gets the reason, not the people's page.
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("The portal's metrics are served to loopback and to the networks in Metrics:AllowedNetworks only.\n", context.RequestAborted);
    }
}
