using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace VpnPortal.Testing;

/// <summary>An SMS/voice gateway on loopback that keeps what the portal asked it to send, so a test can read the code as a phone would.</summary>
public sealed class LoopbackSmsGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackSmsGateway(WebApplication app) => _app = app;

    public ConcurrentQueue<(string To, string Channel, string Code)> Sent { get; } = new();

    /// <summary>The status the gateway answers with (202 unless a test makes it fail).</summary>
    public int Status { get; set; } = 202;

    public string Url => _app.Urls.Single() + "/messages";

    /// <summary>Portal settings that send codes through this gateway.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Mfa:CodeSender:Kind"] = "HttpGateway",
        ["Mfa:CodeSender:Url"] = Url,
        ["Mfa:CodeSender:BodyTemplate"] = """{"to":"{{to}}","channel":"{{channel}}","code":"{{code}}"}""",
    };

    public static async Task<LoopbackSmsGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var gateway = new LoopbackSmsGateway(app);
        app.MapPost("/messages", async (HttpContext context) =>
        {
            using var json = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (gateway.Status < 300)
            {
                gateway.Sent.Enqueue((json.RootElement.GetProperty("to").GetString()!, json.RootElement.GetProperty("channel").GetString()!, json.RootElement.GetProperty("code").GetString()!));
            }

            return Results.StatusCode(gateway.Status);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return gateway;
    }

    public string LastCodeTo(string e164) => Sent.Last(s => s.To == e164).Code;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
