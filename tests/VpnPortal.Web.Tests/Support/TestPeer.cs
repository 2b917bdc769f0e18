using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace VpnPortal.Web.Tests.Support;

/// <summary>
/// The test server has no TCP peer: a request names the peer it comes from in <see cref="Header"/>, and this gives it
/// that address before the portal's own middleware (the forwarded headers included) runs.
/// Register with <c>services.AddSingleton&lt;IStartupFilter, TestPeer&gt;()</c>.
/// </summary>
public sealed class TestPeer : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((HttpContext context, RequestDelegate inner) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var peer))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
            }

            return inner(context);
        });
        next(app);
    };
}
