using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Shouldly;
using VpnPortal.Agent.Hosting;
using VpnPortal.Contracts.Agents;
using Xunit;

namespace VpnPortal.Agent.Tests.Windows;

/// <summary>The listener probe the Windows host uses (platform-neutral, so it runs here) against a listener on 127.0.0.1 started here, over HTTPS with a generated certificate or plain HTTP.</summary>
public sealed class SstpListenerProbeTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly X509Certificate2 _presented = WithReloadedKey(TestPfx.ServerCertificate());
    private readonly ConcurrentQueue<(string Method, string Target, string Host)> _requests = new();
    private WebApplication? _listener;

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }

        _presented.Dispose();
    }

    [Fact]
    public async Task Https401_IsHealthy_AndTheAnswerNamesThePresentedCertificate()
    {
        var port = await ListenAsync(https: true, _ => 401);

        var message = await CheckAsync(new CheckSstpListenerPayload { Port = port, UseHttps = true, ExpectedSha1Thumbprint = _presented.Thumbprint.ToLowerInvariant() });

        message.ShouldBe($"HEAD https://localhost:{port}/sra_{{BA195980-CD49-458b-9E23-C84EE0ADCD75}}/ answered 401 (Unauthorized) with certificate {_presented.Thumbprint}: SSTP is listening.");
        _requests.ShouldHaveSingleItem().ShouldBe(("HEAD", SstpListener.ProbePath, $"localhost:{port}"));
    }

    [Theory]
    [InlineData(503, "503 (ServiceUnavailable)")]
    [InlineData(200, "200 (OK)")]
    [InlineData(404, "404 (NotFound)")]
    public async Task HttpsAnythingBut401_IsAFailureSayingWhatAnswered(int status, string stated)
    {
        var port = await ListenAsync(https: true, _ => status);

        var message = await FailsAsync(new CheckSstpListenerPayload { Port = port, UseHttps = true, ExpectedSha1Thumbprint = _presented.Thumbprint });

        message.ShouldContain($"answered {stated} with certificate {_presented.Thumbprint}; a listening SSTP answers 401");
    }

    [Fact]
    public async Task Https401WithAnotherCertificate_IsAFailureNamingBoth()
    {
        var port = await ListenAsync(https: true, _ => 401);
        var expected = new string('A', 40);

        var message = await FailsAsync(new CheckSstpListenerPayload { Port = port, UseHttps = true, ExpectedSha1Thumbprint = expected });

        message.ShouldContain($"answered 401 with certificate {_presented.Thumbprint}, not {expected}");
    }

    [Fact]
    public async Task PlainHttp401_IsHealthyBehindTlsOffload()
    {
        var port = await ListenAsync(https: false, _ => 401);

        var message = await CheckAsync(new CheckSstpListenerPayload { Port = port, UseHttps = false });

        message.ShouldBe($"HEAD http://localhost:{port}/sra_{{BA195980-CD49-458b-9E23-C84EE0ADCD75}}/ answered 401 (Unauthorized) over plain HTTP (TLS offloaded): SSTP is listening.");
    }

    [Fact]
    public async Task HttpsToAPlainHttpListener_GetsNoAnswer()
    {
        var port = await ListenAsync(https: false, _ => 401);

        var message = await FailsAsync(new CheckSstpListenerPayload { Port = port, UseHttps = true });

        message.ShouldStartWith($"HEAD https://localhost:{port}/sra_{{BA195980-CD49-458b-9E23-C84EE0ADCD75}}/ got no answer (");
        message.ShouldContain("SSL");
    }

    [Fact]
    public async Task NothingListening_GetsNoAnswer()
    {
        var port = FreePort();

        var answer = await new SstpListenerProbe(Timeout).ProbeAsync(new Uri($"https://localhost:{port}{SstpListener.ProbePath}"), TestContext.Current.CancellationToken);

        answer.StatusCode.ShouldBeNull();
        answer.PresentedSha1.ShouldBeNull();
        answer.Failure.ShouldNotBeNull().ShouldContain("refused");
    }

    [Fact]
    public async Task AListenerThatDoesNotAnswer_IsGivenUpAfterTheTimeout()
    {
        var port = await ListenAsync(https: true, _ => 0);

        var answer = await new SstpListenerProbe(TimeSpan.FromMilliseconds(300)).ProbeAsync(new Uri($"https://localhost:{port}{SstpListener.ProbePath}"), TestContext.Current.CancellationToken);

        answer.ShouldBe(SstpProbeAnswer.NoAnswer("no answer within 0.3 s", _presented.Thumbprint));
    }

    [Fact]
    public async Task TheCallersCancellation_IsNotTakenForATimeout()
    {
        var port = await ListenAsync(https: true, _ => 0);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Should.ThrowAsync<OperationCanceledException>(() => new SstpListenerProbe(Timeout).ProbeAsync(new Uri($"https://localhost:{port}{SstpListener.ProbePath}"), cancel.Token));
    }

    private async Task<string> CheckAsync(CheckSstpListenerPayload payload)
    {
        var check = SstpListenerCheck.From(payload);
        return check.Judge(await new SstpListenerProbe(Timeout).ProbeAsync(check.Uri, TestContext.Current.CancellationToken));
    }

    private async Task<string> FailsAsync(CheckSstpListenerPayload payload) =>
        (await Should.ThrowAsync<CommandFailedException>(() => CheckAsync(payload))).Message;

    /// <summary>A listener on 127.0.0.1 answering every request with <paramref name="status"/> (0: never answers); returns its port.</summary>
    private async Task<int> ListenAsync(bool https, Func<HttpContext, int> status)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (https)
            {
                listen.UseHttps(_presented);
            }
        }));
        _listener = builder.Build();
        _listener.Run(async context =>
        {
            // The request line as sent: RRAS's path has braces, and a monitor sends them as they are.
            _requests.Enqueue((context.Request.Method, context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget, context.Request.Host.Value ?? ""));
            var code = status(context);
            if (code == 0)
            {
                await Task.Delay(System.Threading.Timeout.Infinite, context.RequestAborted);
            }

            context.Response.StatusCode = code;
        });
        await _listener.StartAsync(TestContext.Current.CancellationToken);
        return new Uri(_listener.Urls.Single()).Port;
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Through a PFX, so the key is one TLS can use on every platform (Windows refuses ephemeral keys there).</summary>
    private static X509Certificate2 WithReloadedKey(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
        }
    }
}
