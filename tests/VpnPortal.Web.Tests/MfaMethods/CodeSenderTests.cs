using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Phones;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.MfaMethods;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.MfaMethods;

/// <summary>The generic SMS/voice gateway sender against a gateway listening on loopback.</summary>
public sealed class CodeSenderTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Body, string? Auth, string? ContentType)> _received = new();
    private WebApplication _gateway = null!;
    private int _status = 202;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _gateway = builder.Build();
        async Task<IResult> Receive(HttpContext context)
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            _received.Enqueue((body, context.Request.Headers["X-Api-Key"].FirstOrDefault(), context.Request.ContentType));
            return Results.Text("""{"error":"quota exceeded"}""", statusCode: _status);
        }

        _gateway.MapPost("/send", (Delegate)Receive);
        // A gateway that takes its key in the path, as some do.
        _gateway.MapPost("/send/{key}", (Delegate)Receive);
        await _gateway.StartAsync(Cancel);
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task TextMessage_IsPostedAsTheTemplateWithTheAuthHeader()
    {
        await Sender().SendAsync(Number("+44 7400 900123"), "042917", CodeDelivery.TextMessage, Cancel);

        var (body, auth, contentType) = _received.ShouldHaveSingleItem();
        auth.ShouldBe("gateway-key");
        contentType.ShouldNotBeNull().ShouldStartWith("application/json");
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("to").GetString().ShouldBe("+447400900123");
        json.RootElement.GetProperty("channel").GetString().ShouldBe("sms");
        json.RootElement.GetProperty("message").GetString().ShouldBe(
            "Your VpnPortal verification code is 042917. It expires in 10 minutes. If you did not ask for it, ignore this message.");
    }

    [Fact]
    public async Task VoiceCall_ReadsTheCodeOutDigitByDigit()
    {
        await Sender().SendAsync(Number("+1 202 555 0143"), "123456", CodeDelivery.VoiceCall, Cancel);

        using var json = JsonDocument.Parse(_received.ShouldHaveSingleItem().Body);
        json.RootElement.GetProperty("channel").GetString().ShouldBe("voice");
        json.RootElement.GetProperty("message").GetString().ShouldNotBeNull().ShouldContain("1, 2, 3, 4, 5, 6");
    }

    [Fact]
    public void Body_ValuesAreEscapedAsJsonStringContent()
    {
        var body = HttpGatewayVerificationCodeSender.Body("""{"text":"{{message}}","to":"{{to}}"}""", Number("+44 7400 900123"), "123456",
            CodeDelivery.TextMessage, TimeSpan.FromMinutes(10));

        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("to").GetString().ShouldBe("+447400900123");
    }

    [Fact]
    public async Task AGatewayRefusal_IsReportedWithItsStatusAndAnswer()
    {
        _status = 429;

        var failed = await Should.ThrowAsync<CodeDeliveryException>(() => Sender().SendAsync(Number("+44 7400 900123"), "123456", CodeDelivery.TextMessage, Cancel));

        failed.Message.ShouldContain("could not be sent");
        failed.Detail.ShouldContain("429");
        failed.Detail.ShouldContain("quota exceeded");
    }

    [Fact]
    public async Task AGatewayThatDoesNotListen_IsReportedAsNotAnswering()
    {
        var port = new Uri(_gateway.Urls.Single()).Port;
        await _gateway.StopAsync(Cancel);

        var failed = await Should.ThrowAsync<CodeDeliveryException>(() =>
            Sender($"http://127.0.0.1:{port}/send").SendAsync(Number("+44 7400 900123"), "123456", CodeDelivery.TextMessage, Cancel));

        failed.Detail.ShouldContain("did not answer");
    }

    [Fact]
    public async Task WithoutAGatewayOutsideDevelopment_NothingIsSentAndTheReasonIsGiven()
    {
        var failed = await Should.ThrowAsync<CodeDeliveryException>(() =>
            new UnconfiguredVerificationCodeSender().SendAsync(Number("+44 7400 900123"), "123456", CodeDelivery.TextMessage, Cancel));

        failed.Message.ShouldContain("no text message service");
        failed.Detail.ShouldContain("Mfa:CodeSender");
    }

    [Fact]
    public async Task TheGatewaysUrl_NeverReachesTheLog_OnASend_ARefusedOne_OrAnUnreachableGateway()
    {
        const string pathSecret = "PATHSECRET";
        const string querySecret = "QUERYSECRET";
        var logs = new RecordingLoggerProvider();
        var time = new FakeTimeProvider(TestClock.Start);
        var settings = new Dictionary<string, string>
        {
            ["Jobs:Enabled"] = "false",
            ["Mfa:CodeSender:Kind"] = "HttpGateway",
            ["Mfa:CodeSender:Url"] = $"{_gateway.Urls.Single()}/send/{pathSecret}?apikey={querySecret}",
        };
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, time, settings, logs.AddTo);
        var alex = await portal.CreateUserAsync(Data.Roles.User);
        var actor = new AuditActor(AuditActorKind.User, alex.Id, alex.Email);
        Task<CommandResult<CodeSent>> SendAsync(string number) =>
            portal.InScopeAsync(sp => sp.GetRequiredService<SignInMethods>().SendCodeAsync(alex.Id, time.GetUtcNow(), PhoneKind.Mobile, number, CodeDelivery.TextMessage, Cancel), actor);

        (await SendAsync("+44 7400 900123")).Succeeded.ShouldBeTrue();
        _status = 503;
        (await SendAsync("+44 7400 900124")).Succeeded.ShouldBeFalse();
        await _gateway.StopAsync(Cancel);
        (await SendAsync("+44 7400 900125")).Succeeded.ShouldBeFalse();

        _received.Count.ShouldBe(2);
        logs.Lines.ShouldContain(l => l.Contains("answered 503"), "the log is captured, failures included");
        logs.Lines.ShouldContain(l => l.Contains("did not answer"));
        logs.Lines.ShouldAllBe(l => !l.Contains(pathSecret) && !l.Contains(querySecret));
    }

    private IVerificationCodeSender Sender(string? url = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpClient(HttpGatewayVerificationCodeSender.HttpClientName);
        services.AddOptions<MfaOptions>();
        services.AddOptions<CodeSenderOptions>().Configure(o =>
        {
            o.Kind = "HttpGateway";
            o.Url = url ?? _gateway.Urls.Single() + "/send";
            o.AuthHeaderName = "X-Api-Key";
            o.AuthHeaderValue = "gateway-key";
        });
        services.AddSingleton<IVerificationCodeSender, HttpGatewayVerificationCodeSender>();
        return services.BuildServiceProvider().GetRequiredService<IVerificationCodeSender>();
    }

    private static PhoneNumber Number(string text) => PhoneNumber.Parse(text).Number.ShouldNotBeNull();
}
