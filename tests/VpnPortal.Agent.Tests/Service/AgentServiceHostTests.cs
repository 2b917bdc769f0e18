using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shouldly;
using VpnPortal.Agent.Runtime;
using VpnPortal.Agent.Service;
using VpnPortal.Agent.Tests.Runtime;
using Xunit;

namespace VpnPortal.Agent.Tests.Service;

/// <summary>
/// The <c>run</c> verb's host, with a recording server host and a loopback portal: a stop request (what the service
/// control manager's stop becomes, through the Windows service lifetime) cancels the runner cleanly, and a runner that
/// ends by itself ends the host with its exit code.
/// </summary>
public sealed class AgentServiceHostTests
{
    private static readonly AgentRunnerOptions Options = new()
    {
        ReportInterval = TimeSpan.FromHours(1),
        MinimumPollSpacing = TimeSpan.Zero,
        ErrorPause = TimeSpan.FromMilliseconds(50),
    };

    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    private readonly RecordingLogger _log = new();
    private AgentRunner? _runner;

    private IHost Build(TestPortal portal, string credential) => AgentServiceHost.Build(
        loggers =>
        {
            var logger = loggers.CreateLogger("VpnPortal.Agent");
            return _runner = new AgentRunner(new RecordingHost(), new AgentClient(Http, portal.Address, credential, logger), new InMemoryAgentStateStore(), Options, logger);
        },
        [_log]);

    [Fact]
    public async Task StopRequest_WhileRunning_CancelsTheRunnerAndEndsWithStopped()
    {
        await using var portal = await TestPortal.StartAsync();
        var credential = portal.AddAgent();
        using var host = Build(portal, credential);
        var run = AgentServiceHost.RunAsync(host, TestContext.Current.CancellationToken);
        await TestPortal.WaitUntilAsync(() => portal.Snapshots.Count == 1, "the first snapshot arrives");

        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        (await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).ShouldBe(AgentExitCodes.Stopped);
        _runner.ShouldNotBeNull().State.ShouldBe(AgentRunnerState.Stopped);
        await TestPortal.WaitUntilAsync(() => portal.PollsInFlight == 0, "the held command poll is let go");
    }

    [Fact]
    public async Task Revoked_RunnerEndsByItself_StopsTheHostWithNotEnrolled()
    {
        await using var portal = await TestPortal.StartAsync();
        var credential = portal.AddAgent();
        using var host = Build(portal, credential);
        var run = AgentServiceHost.RunAsync(host, TestContext.Current.CancellationToken);
        await TestPortal.WaitUntilAsync(() => portal.Snapshots.Count == 1, "the first snapshot arrives");

        portal.Revoke(credential);

        (await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).ShouldBe(AgentExitCodes.NotEnrolled);
        _log.All.ShouldContain("this agent is no longer enrolled");
    }

    [Fact]
    public async Task Outside_TheServiceControlManager_RunsAsAConsoleApp_LoggingToTheGivenLogs_AndToTheEventLogOnlyOnWindows()
    {
        await using var portal = await TestPortal.StartAsync();
        using var host = Build(portal, portal.AddAgent());

        var providers = host.Services.GetServices<ILoggerProvider>().Select(p => p.GetType().Name).ToList();

        providers.ShouldContain(nameof(RecordingLogger));
        providers.Contains("EventLogLoggerProvider").ShouldBe(OperatingSystem.IsWindows());

        // Outside the service control manager, Windows or not, Ctrl+C stops the host.
        host.Services.GetRequiredService<IHostLifetime>().GetType().Name.ShouldBe("ConsoleLifetime");
    }
}
