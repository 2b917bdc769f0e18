using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>
/// A real HTTP server on a loopback port (Kestrel) standing in for a Teams, Slack or generic webhook: it records every
/// request and answers with what <see cref="Respond"/> says (200 "ok" unless told otherwise), sending to
/// <see cref="RedirectTo"/> when that is set.
/// </summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookListener(WebApplication app) => _app = app;

    public sealed record Received(string Path, string ContentType, string Body, string? IdempotencyKey)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
    }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The answer to the n-th request (1-based): status and body.</summary>
    public Func<int, (HttpStatusCode Status, string Body)> Respond { get; set; } = _ => (HttpStatusCode.OK, "ok");

    /// <summary>The Location every answer carries, for a listener that redirects (with a 3xx from <see cref="Respond"/>).</summary>
    public string? RedirectTo { get; set; }

    public string BaseUrl { get; private set; } = "";

    public string Url(string path) => $"{BaseUrl}{path}";

    public static async Task<WebhookListener> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var listener = new WebhookListener(app);
        var count = 0;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            listener.Requests.Enqueue(new Received(context.Request.Path, context.Request.ContentType ?? "", body, context.Request.Headers["Idempotency-Key"].FirstOrDefault()));
            var (status, answer) = listener.Respond(Interlocked.Increment(ref count));
            context.Response.StatusCode = (int)status;
            if (listener.RedirectTo is { } location)
            {
                context.Response.Headers.Location = location;
            }

            await context.Response.WriteAsync(answer);
        });
        await app.StartAsync();
        listener.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
