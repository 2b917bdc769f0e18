using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Agent.Runtime;
using VpnPortal.Contracts.Agents;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Runtime;

public sealed partial class AgentRunnerTests : IAsyncLifetime
{
    private static readonly AgentRunnerOptions Options = new()
    {
        // Only the first snapshot and the ones a test asks for: the interval never comes within a test.
        ReportInterval = TimeSpan.FromHours(1),
        MinimumReportSpacing = TimeSpan.FromMilliseconds(10),
        MinimumPollSpacing = TimeSpan.Zero,
        ErrorPause = TimeSpan.FromMilliseconds(50),
    };

    private static readonly AgentRetryOptions FastRetries = new() { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) };

    private readonly FakeTimeProvider _time = new(TestClock.Start);
    private readonly RecordingHost _host = new();
    private readonly RecordingLogger _log = new();
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private TestPortal _portal = null!;
    private string _credential = null!;

    public async ValueTask InitializeAsync()
    {
        _portal = await TestPortal.StartAsync();
        _credential = _portal.AddAgent();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _portal.DisposeAsync();
    }

    [Fact]
    public async Task Command_DeliveredTwice_RunsOnceAndPostsTheSameResultTwice()
    {
        var command = Command(AgentCommandKinds.DisconnectUser);
        await using var running = Start(new InMemoryAgentStateStore());

        _portal.Queue(command);
        await TestPortal.WaitUntilAsync(() => _portal.CommandResults.Count == 1, "the first result arrives");
        _portal.Queue(command with { Delivery = 2 });
        await TestPortal.WaitUntilAsync(() => _portal.CommandResults.Count == 2, "the second result arrives");

        _host.Executions[command.Id].ShouldBe(1);
        var results = _portal.CommandResults.Select(r => r.Result).ToList();
        results.ShouldAllBe(r => r.Outcome == CommandOutcome.Succeeded && r.Message == "ran disconnect-user");
        results[1].ShouldBe(results[0]);
    }

    [Fact]
    public async Task Command_ExecutedBeforeRestart_IsAnsweredFromTheFileStoreWithoutRunningAgain()
    {
        using var directory = new TemporaryDirectory();
        var command = Command(AgentCommandKinds.ImportCertificate);
        await using (var first = Start(new FileAgentStateStore(directory.Path)))
        {
            _portal.Queue(command);
            await TestPortal.WaitUntilAsync(() => _portal.CommandResults.Count == 1, "the result arrives");
        }

        // The stopped agent's last poll may still be held on the server; it would take the redelivery with it.
        await TestPortal.WaitUntilAsync(() => _portal.PollsInFlight == 0, "the first agent's poll has ended");
        await using var second = Start(new FileAgentStateStore(directory.Path));
        _portal.Queue(command with { Delivery = 2 });
        await TestPortal.WaitUntilAsync(() => _portal.CommandResults.Count == 2, "the result is sent again");

        _host.Executions[command.Id].ShouldBe(1);
        _portal.CommandResults[1].Result.ShouldBe(_portal.CommandResults[0].Result);
    }

    [Fact]
    public async Task Command_InterruptedByACrash_IsReportedFailedNotRunAgain()
    {
        var store = new InMemoryAgentStateStore();
        var command = Command(AgentCommandKinds.SetSstpCertificate);
        await store.RecordExecutedAsync(ExecutedCommand.Started(command), TestContext.Current.CancellationToken);
        await using var running = Start(store);

        _portal.Queue(command with { Delivery = 2 });
        await TestPortal.WaitUntilAsync(() => _portal.CommandResults.Count == 1, "the result arrives");

        _host.Executions.ContainsKey(command.Id).ShouldBeFalse();
        _portal.CommandResults[0].Result.Outcome.ShouldBe(CommandOutcome.Failed);
        _portal.CommandResults[0].Result.Message.ShouldNotBeNull().ShouldContain("not run again");
    }

    [Fact]
    public async Task Command_PastItsDeadline_IsReportedFailedWithoutRunning()
    {
        var command = Command(AgentCommandKinds.DisconnectUser) with { ExecuteBy = _time.GetUtcNow().AddSeconds(-1) };
        await using var running = Start(new InMemoryAgentStateStore());

        _portal.Queue(command);
        await TestPortal.WaitUntilAsync(() => _portal.CommandResults.Count == 1, "the result arrives");

        _host.Executions.ContainsKey(command.Id).ShouldBeFalse();
        var result = _portal.CommandResults[0].Result;
        result.Outcome.ShouldBe(CommandOutcome.Failed);
        result.Message.ShouldBe("deadline passed before the agent could run it");
        result.CompletedAt.ShouldBe(_time.GetUtcNow());
    }

    [Fact]
    public async Task Command_ServerClockHoursAhead_RunsACommandWithinThePortalsDeadline()
    {
        // The portal is three hours behind this server: by the server's clock the deadline passed long ago, by the portal's not.
        var portalClock = new FakeTimeProvider(_time.GetUtcNow().AddHours(-3));
        _portal.Clock = portalClock;
        var command = Command(AgentCommandKinds.DisconnectUser) with { ExecuteBy = portalClock.GetUtcNow().AddMinutes(10) };
        await using var running = Start(new InMemoryAgentStateStore());

        _portal.Queue(command);
        await TestPortal.WaitUntilAsync(() => _portal.CommandResults.Count == 1, "the result arrives");

        _host.Executions[command.Id].ShouldBe(1);
        _portal.CommandResults[0].Result.Outcome.ShouldBe(CommandOutcome.Succeeded);
    }

    [Fact]
    public async Task Command_ServerClockHoursBehind_IsNotRunPastThePortalsDeadline()
    {
        // The portal is three hours ahead: the deadline passed a minute ago by its clock, while the server's says hours remain.
        var portalClock = new FakeTimeProvider(_time.GetUtcNow().AddHours(3));
        _portal.Clock = portalClock;
        var command = Command(AgentCommandKinds.DisconnectUser) with { ExecuteBy = portalClock.GetUtcNow().AddMinutes(-1) };
        await using var running = Start(new InMemoryAgentStateStore());

        _portal.Queue(command);
        await TestPortal.WaitUntilAsync(() => _portal.CommandResults.Count == 1, "the result arrives");

        _host.Executions.ContainsKey(command.Id).ShouldBeFalse();
        _portal.CommandResults[0].Result.Message.ShouldBe("deadline passed before the agent could run it");
        _log.All.ShouldContain($"the portal's time is {portalClock.GetUtcNow():o}");
    }

    [Fact]
    public async Task Command_ThatFailsOnTheServer_IsReportedFailedWithTheHostsMessage()
    {
        _host.Execute = c => c.Kind == AgentCommandKinds.RemoveCertificate
            ? throw new Hosting.CommandFailedException("Cannot find certificate ABC in the My store.")
            : throw new InvalidOperationException("netsh exited with 1");
        await using var running = Start(new InMemoryAgentStateStore());

        _portal.Queue(Command(AgentCommandKinds.RemoveCertificate));
        _portal.Queue(Command(AgentCommandKinds.SetSstpCertificate));
        await TestPortal.WaitUntilAsync(() => _portal.CommandResults.Count == 2, "both results arrive");

        _portal.CommandResults.Select(r => (r.Result.Outcome, r.Result.Message)).ShouldBe(
        [
            (CommandOutcome.Failed, "Cannot find certificate ABC in the My store."),
            (CommandOutcome.Failed, "netsh exited with 1"),
        ]);
        _log.All.ShouldContain("netsh exited with 1");
    }

    [Fact]
    public async Task RefreshReport_SendsASnapshotLongBeforeTheInterval_AndSucceeds()
    {
        await using var running = Start(new InMemoryAgentStateStore());
        await TestPortal.WaitUntilAsync(() => _portal.Snapshots.Count == 1, "the first snapshot arrives");

        _portal.Queue(Command(AgentCommandKinds.RefreshReport));

        await TestPortal.WaitUntilAsync(() => _portal.Snapshots.Count == 2, "a second snapshot arrives");
        await TestPortal.WaitUntilAsync(() => _portal.CommandResults.Count == 1, "the result arrives");
        _portal.CommandResults[0].Result.Outcome.ShouldBe(CommandOutcome.Succeeded);
        _portal.Snapshots.Select(s => s.Snapshot.Sequence).ShouldBe([1, 2]);
        _host.Executions.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(AgentCommandKinds.DisconnectUser, 2)]
    [InlineData(AgentCommandKinds.CheckSstpListener, 1)]
    public async Task ACommandThatChangesTheServer_IsFollowedByASnapshotAtOnce_AProbeIsNot(string kind, int snapshots)
    {
        await using var running = Start(new InMemoryAgentStateStore());
        await TestPortal.WaitUntilAsync(() => _portal.Snapshots.Count == 1, "the first snapshot arrives");

        _portal.Queue(Command(kind));

        await TestPortal.WaitUntilAsync(() => _portal.CommandResults.Count == 1, "the result arrives");
        if (snapshots > 1)
        {
            await TestPortal.WaitUntilAsync(() => _portal.Snapshots.Count == snapshots, "the effect is reported without waiting for the interval");
        }
        else
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        _portal.Snapshots.Count.ShouldBe(snapshots);
    }

    [Fact]
    public async Task Snapshot_CarriesMachineVersionTimeAndTheHostsState()
    {
        await using var running = Start(new InMemoryAgentStateStore());
        await TestPortal.WaitUntilAsync(() => _portal.Snapshots.Count == 1, "the first snapshot arrives");

        var snapshot = _portal.Snapshots[0].Snapshot;
        snapshot.MachineName.ShouldBe("RRAS-TEST-01");
        snapshot.HostFqdn.ShouldBe("RRAS-TEST-01.corp.example");
        snapshot.TakenAt.ShouldBe(_time.GetUtcNow());
        snapshot.AgentVersion.ShouldBe(AgentVersion.Current);
        snapshot.AgentVersion.ShouldNotContain("+");
        snapshot.Rras.ShouldNotBeNull();
        snapshot.Nps.ShouldBeNull();
    }

    [Fact]
    public async Task RevokedCredential_StopsBothLoopsWithTheEnrollMessageAndItsOwnExitCode()
    {
        var runner = Runner(new InMemoryAgentStateStore());
        var run = runner.RunAsync(TestContext.Current.CancellationToken);
        await TestPortal.WaitUntilAsync(() => _portal.Snapshots.Count == 1, "the first snapshot arrives");

        _portal.Revoke(_credential);

        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        exitCode.ShouldBe(AgentExitCodes.NotEnrolled);
        runner.State.ShouldBe(AgentRunnerState.NotEnrolled);
        _log.All.ShouldContain($"this agent is no longer enrolled (revoked or unknown credential); enroll it again with: enroll --portal {_portal.Address} --token");

        // Stopped means stopped: nothing more reaches the portal.
        var attempts = _portal.SnapshotAttempts;
        await Task.Delay(300, TestContext.Current.CancellationToken);
        _portal.SnapshotAttempts.ShouldBe(attempts);
    }

    [Fact]
    public async Task PortalAnswering503_IsRetriedWithBackoff_UntilTheSnapshotIsDelivered()
    {
        _portal.FailNextSnapshotsWith503(3);
        await using var running = Start(new InMemoryAgentStateStore());

        await TestPortal.WaitUntilAsync(() => _portal.Snapshots.Count == 1, "the snapshot gets through", _time, FastRetries.MaxDelay);

        _portal.SnapshotAttempts.ShouldBe(4);
        _portal.Snapshots[0].Snapshot.Sequence.ShouldBe(1);
        _log.Lines.Count(l => l.Contains("retrying in", StringComparison.Ordinal) && l.Contains("503", StringComparison.Ordinal)).ShouldBe(3);
    }

    [Theory]
    [InlineData("5", 5)]
    [InlineData("3600", 10)]
    public async Task PortalAnswering503WithRetryAfter_IsRetriedWhenItSays_ButNeverLaterThanTheBackOffsCap(string retryAfter, int expectedSeconds)
    {
        // Back-offs of 20 ms (never seen here: each retry below waits for the Retry-After) up to a 10 s cap.
        var retries = new AgentRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromSeconds(10) };
        _portal.FailNextSnapshotsWith503(1, retryAfter);
        await using var running = new RunningAgent(Runner(new InMemoryAgentStateStore(), retries: retries));
        await TestPortal.WaitUntilAsync(() => _portal.SnapshotAttempts == 1, "the first attempt is refused");

        // The clock moves in steps of 0.1 s until the second attempt comes: the agent starts its wait a moment after the
        // refusal, so the time seen can only be longer than its wait, and by a step or two.
        var step = TimeSpan.FromMilliseconds(100);
        var waited = TimeSpan.Zero;
        while (_portal.SnapshotAttempts < 2 && waited < TimeSpan.FromMinutes(2))
        {
            _time.Advance(step);
            waited += step;
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        waited.ShouldBeInRange(TimeSpan.FromSeconds(expectedSeconds), TimeSpan.FromSeconds(expectedSeconds + 1), "the agent waits as long as it was told (or its cap), not its own 20 ms back-off");
        await TestPortal.WaitUntilAsync(() => _portal.Snapshots.Count == 1, "the retried snapshot gets through");
        _portal.SnapshotAttempts.ShouldBe(2);
        _log.Lines.ShouldContain(l => l.Contains($"retrying in {expectedSeconds:0.0} s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RefusedSnapshot_IsLoggedWithTheFieldAndNotSentAgain()
    {
        _portal.RejectSnapshots = (400, new AgentProblem { Error = AgentErrorCodes.InvalidSnapshot, Message = "TotalBytesIn must not be negative", Field = "$.rras.sessions[3].totalBytesIn" });
        var runner = Runner(new InMemoryAgentStateStore());
        await using var running = new RunningAgent(runner);

        await TestPortal.WaitUntilAsync(() => runner.SnapshotsFailed == 1, "the refusal is handled");
        await Task.Delay(200, TestContext.Current.CancellationToken);

        _portal.SnapshotAttempts.ShouldBe(1);
        _log.Lines.ShouldContain(l => l.StartsWith("Error:", StringComparison.Ordinal) && l.Contains("$.rras.sessions[3].totalBytesIn", StringComparison.Ordinal) && l.Contains("must not be negative", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sequence_ContinuesAboveTheLastValue_AfterARestartWithTheSameFileStore()
    {
        using var directory = new TemporaryDirectory();
        await using (var first = Start(new FileAgentStateStore(directory.Path)))
        {
            await TestPortal.WaitUntilAsync(() => _portal.Snapshots.Count == 1, "the first run's snapshot arrives");
            _portal.Queue(Command(AgentCommandKinds.RefreshReport));
            await TestPortal.WaitUntilAsync(() => _portal.Snapshots.Count == 2, "the refreshed snapshot arrives");
        }

        await using (var second = Start(new FileAgentStateStore(directory.Path)))
        {
            await TestPortal.WaitUntilAsync(() => _portal.Snapshots.Count == 3, "the second run's snapshot arrives");
        }

        _portal.Snapshots.Select(s => s.Snapshot.Sequence).ShouldBe([1, 2, 3]);
        _portal.Snapshots.ShouldAllBe(s => s.Applied);
    }

    private RunningAgent Start(IAgentStateStore store) => new(Runner(store));

    private AgentRunner Runner(IAgentStateStore store, Hosting.IServerHost? host = null, AgentRetryOptions? retries = null) =>
        new(host ?? _host, new AgentClient(_http, _portal.Address, _credential, _log, _time, retries ?? FastRetries), store, Options, _log, _time);

    private AgentCommandMessage Command(string kind) => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        Payload = JsonSerializer.SerializeToElement(new { userName = "anna.adler@corp.example" }),
        ExecuteBy = _time.GetUtcNow().AddMinutes(10),
    };
}

/// <summary>A runner started in the background and stopped (and awaited) on dispose.</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly Task<int> _run;

    public RunningAgent(AgentRunner runner)
    {
        _run = runner.RunAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        (await _run.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe(AgentExitCodes.Stopped);
        _stop.Dispose();
    }
}

internal sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vpnportal-agent-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
