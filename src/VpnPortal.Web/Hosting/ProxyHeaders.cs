using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace VpnPortal.Web.Hosting;

/// <summary>
/// A portal behind a load balancer or reverse proxy that ends TLS: the client's address and the https scheme come from
/// the proxy's X-Forwarded-For and X-Forwarded-Proto, trusted only from the proxies and networks named in
/// <c>ForwardedHeaders:KnownProxies</c> and <c>ForwardedHeaders:KnownNetworks</c>. Without them the headers are ignored:
/// anyone could send them. With them, cookies and antiforgery see https, the organisation sign-in builds https return
/// addresses, and the audit log records the person's address, not the proxy's.
/// </summary>
public static class ProxyHeaders
{
    public const string Section = "ForwardedHeaders";

    public static IServiceCollection AddProxyHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var (proxies, networks) = Read(configuration);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                o.KnownProxies.Add(proxy);
            }

            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(network);
            }
        });
        return services;
    }

    /// <summary>Whether any proxy is trusted (only then are the headers read at all).</summary>
    public static bool Enabled(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        return options.KnownProxies.Count + options.KnownIPNetworks.Count > 0;
    }

    /// <summary>The trusted proxies and networks; a start-up error naming every entry that is not an address or a CIDR network.</summary>
    private static (IReadOnlyList<IPAddress> Proxies, IReadOnlyList<System.Net.IPNetwork> Networks) Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var errors = new List<string>();
        var proxies = new List<IPAddress>();
        foreach (var text in section.GetSection("KnownProxies").Get<string[]>() ?? [])
        {
            if (IPAddress.TryParse(text.Trim(), out var address))
            {
                proxies.Add(address);
            }
            else
            {
                errors.Add($"{Section}:KnownProxies: \"{text}\" is not an IP address.");
            }
        }

        var networks = new List<System.Net.IPNetwork>();
        foreach (var text in section.GetSection("KnownNetworks").Get<string[]>() ?? [])
        {
            if (System.Net.IPNetwork.TryParse(text.Trim(), out var network))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add($"{Section}:KnownNetworks: \"{text}\" is not a network in CIDR form (e.g. 10.0.0.0/24).");
            }
        }

        return errors.Count == 0 ? (proxies, networks) : throw new InvalidOperationException(string.Join(" ", errors));
    }
}
