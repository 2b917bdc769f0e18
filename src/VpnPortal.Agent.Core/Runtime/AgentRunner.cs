using Microsoft.Extensions.Logging;
using VpnPortal.Agent.Hosting;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Runtime;

/// <summary>Timings of one <see cref="AgentRunner"/>; the defaults are the protocol's.</summary>
public sealed record AgentRunnerOptions
{
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(AgentRoutes.DefaultReportIntervalSeconds);

    /// <summary>A change on the server sends a snapshot early, but never sooner than this after the previous one.</summary>
    public TimeSpan MinimumReportSpacing { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Wait a random part of the interval before the first snapshot, so a fleet started at once does not report at once.</summary>
    public bool StaggerFirstReport { get; init; }

    /// <summary>A command still running after this is reported failed.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>An empty poll answered sooner than this is followed by a pause, so a misbehaving portal is not polled in a tight loop.</summary>
    public TimeSpan MinimumPollSpacing { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Pause after an error the client does not retry itself (an unexpected status, retries spent).</summary>
    public TimeSpan ErrorPause { get; init; } = TimeSpan.FromSeconds(5);

    public static AgentRunnerOptions For(AgentIdentity identity) => new()
    {
        ReportInterval = TimeSpan.FromSeconds(identity.ReportIntervalSeconds > 0 ? identity.ReportIntervalSeconds : AgentRoutes.DefaultReportIntervalSeconds),
    };
}

/// <summary>Where a runner is in its life; read by the simulator's status line.</summary>
public enum AgentRunnerState
{
    NotStarted = 0,
    Running = 1,

    /// <summary>The host does not answer (a simulated outage): no reports, no polls.</summary>
    Paused = 2,
    Stopped = 3,
    NotEnrolled = 4,
    Failed = 5,
}

/// <summary>
/// One agent identity at work: a report loop (a full snapshot at start, every interval, and early when the server
/// changes) and a command loop (long-poll, run each command at most once, post its result). Runs until cancelled or
/// until the portal no longer knows the credential.
/// </summary>
public sealed class AgentRunner
{
    private readonly IServerHost _host;
    private readonly AgentClient _client;
    private readonly IAgentStateStore _state;
    private readonly AgentRunnerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IServerAvailability? _availability;
    private readonly AsyncSignal _refreshRequested = new();
    private readonly SemaphoreSlim _sequenceGate = new(1, 1);
    private long _sequence;
    private long _snapshotsSent;
    private long _snapshotsFailed;
    private long _commandsHandled;
    private int _runState;

    public AgentRunner(IServerHost host, AgentClient client, IAgentStateStore state, AgentRunnerOptions options, ILogger logger, TimeProvider? time = null)
    {
        _host = host;
        _client = client;
        _state = state;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _availability = host as IServerAvailability;
    }

    public IServerHost Host => _host;

    public AgentRunnerState State => (AgentRunnerState)Volatile.Read(ref _runState);

    /// <summary>Snapshots the portal accepted (applied or not).</summary>
    public long SnapshotsSent => Interlocked.Read(ref _snapshotsSent);

    /// <summary>Snapshots that could not be collected, were refused, or could not be delivered.</summary>
    public long SnapshotsFailed => Interlocked.Read(ref _snapshotsFailed);

    /// <summary>Commands answered (run, refused, or answered again from the executed set).</summary>
    public long CommandsHandled => Interlocked.Read(ref _commandsHandled);

    /// <summary>The message logged when the portal no longer knows the credential.</summary>
    public string NotEnrolledMessage =>
        $"this agent is no longer enrolled (revoked or unknown credential); enroll it again with: enroll --portal {_client.Portal} --token-stdin";

    /// <summary>Runs both loops; returns an <see cref="AgentExitCodes"/> value.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        _sequence = await _state.LoadLastSequenceAsync(cancellationToken);
        SetState(AgentRunnerState.Running);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reports = ReportLoopAsync(stop.Token);
        var commands = CommandLoopAsync(stop.Token);
        await Task.WhenAny(reports, commands);

        // Either loop ending ends the other: a revoked credential stops reporting and polling alike.
        await stop.CancelAsync();
        await Task.WhenAll(reports, commands).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        var errors = new[] { reports, commands }.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
        if (errors.OfType<AgentNotEnrolledException>().FirstOrDefault() is { } notEnrolled)
        {
            _logger.LogError("{Message}. The portal said: {Reason}", NotEnrolledMessage, notEnrolled.Message);
            SetState(AgentRunnerState.NotEnrolled);
            return AgentExitCodes.NotEnrolled;
        }

        if (errors.Count > 0)
        {
            _logger.LogCritical(errors[0], "The agent for {Machine} stopped on an unexpected error", _host.MachineName);
            SetState(AgentRunnerState.Failed);
            return AgentExitCodes.Failed;
        }

        SetState(AgentRunnerState.Stopped);
        return AgentExitCodes.Stopped;
    }

    /// <summary>Asks for a snapshot now (what the refresh-report command does).</summary>
    public void RequestReport() => _refreshRequested.Set();

    private async Task ReportLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (_options.StaggerFirstReport)
        {
            var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * _options.ReportInterval.TotalMilliseconds);
            await Task.Delay(delay, _time, cancellationToken);
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await WaitUntilAnsweringAsync(cancellationToken);
            var startedAt = _time.GetTimestamp();
            await ReportOnceAsync(cancellationToken);
            await WaitForNextReportAsync(startedAt, cancellationToken);
        }
    }

    private async Task ReportOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var state = await _host.CollectAsync(cancellationToken);
            var snapshot = new AgentSnapshot
            {
                Sequence = await NextSequenceAsync(cancellationToken),
                TakenAt = _time.GetUtcNow(),
                MachineName = _host.MachineName,
                HostFqdn = _host.HostFqdn,
                AgentVersion = AgentVersion.Current,
                Rras = state.Rras,
                Nps = state.Nps,
                Certificates = state.Certificates,
            };
            var receipt = await _client.SendSnapshotAsync(snapshot, cancellationToken);
            Interlocked.Increment(ref _snapshotsSent);
            if (receipt.Applied)
            {
                _logger.LogDebug("Snapshot {Sequence} applied", snapshot.Sequence);
            }
            else
            {
                _logger.LogWarning("The portal did not apply snapshot {Sequence}: {Reason}", snapshot.Sequence, receipt.Reason ?? "no reason given");
                if (receipt.LastAppliedSequence >= snapshot.Sequence)
                {
                    // The portal has seen higher numbers (this agent's state was lost or restored): continue above them.
                    await SkipSequenceToAsync(receipt.LastAppliedSequence, cancellationToken);
                    RequestReport();
                }
            }
        }
        catch (SnapshotRejectedException e)
        {
            // The same snapshot would be refused again: drop it, the next interval brings a fresh one.
            Interlocked.Increment(ref _snapshotsFailed);
            _logger.LogError("The portal refused a snapshot ({Status}){Field}: {Reason}", e.StatusCode, e.Field is null ? "" : " at " + e.Field, e.Message);
        }
        catch (AgentPortalUnreachableException e)
        {
            Interlocked.Increment(ref _snapshotsFailed);
            _logger.LogWarning("A snapshot could not be delivered and is dropped; a fresh one follows at the next interval: {Reason}", e.Message);
        }
        catch (AgentProtocolException e)
        {
            Interlocked.Increment(ref _snapshotsFailed);
            _logger.LogError("The portal answered a snapshot unexpectedly: {Reason}", e.Message);
        }
        catch (Exception e) when (e is not (OperationCanceledException or AgentNotEnrolledException))
        {
            // Collecting failed (a host error): report it and try again at the next interval rather than stop the agent.
            Interlocked.Increment(ref _snapshotsFailed);
            _logger.LogError(e, "Collecting the server's state failed");
        }
    }

    private async Task SkipSequenceToAsync(long last, CancellationToken cancellationToken)
    {
        await _sequenceGate.WaitAsync(cancellationToken);
        try
        {
            if (last > _sequence)
            {
                await _state.SaveLastSequenceAsync(last, cancellationToken);
                _sequence = last;
            }
        }
        finally
        {
            _sequenceGate.Release();
        }
    }

    private async Task<long> NextSequenceAsync(CancellationToken cancellationToken)
    {
        await _sequenceGate.WaitAsync(cancellationToken);
        try
        {
            // Persisted before the snapshot leaves, so a crash after sending never reuses the number.
            var next = _sequence + 1;
            await _state.SaveLastSequenceAsync(next, cancellationToken);
            _sequence = next;
            return next;
        }
        finally
        {
            _sequenceGate.Release();
        }
    }

    private async Task WaitForNextReportAsync(long startedAt, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var remaining = _options.ReportInterval - _time.GetElapsedTime(startedAt);
            var interval = Task.Delay(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time, waiting.Token);
            var change = ChangeAsync(waiting.Token);
            var refresh = _refreshRequested.WaitAsync(waiting.Token);
            var first = await Task.WhenAny(interval, change, refresh);
            cancellationToken.ThrowIfCancellationRequested();
            if (first == change)
            {
                var spacing = _options.MinimumReportSpacing - _time.GetElapsedTime(startedAt);
                if (spacing > TimeSpan.Zero)
                {
                    // A refresh request during the spacing still goes out at once.
                    await Task.WhenAny(Task.Delay(spacing, _time, waiting.Token), refresh);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
        finally
        {
            await waiting.CancelAsync();
        }
    }

    private async Task ChangeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _host.WaitForChangeAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A host that cannot say when it changed still reports at the interval.
            _logger.LogError(e, "Waiting for changes on the server failed; reporting at the interval only until the next snapshot");
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken);
        }
    }

    private async Task CommandLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await WaitUntilAnsweringAsync(cancellationToken);
            var polledAt = _time.GetTimestamp();
            CommandBatch batch;
            try
            {
                batch = await _client.PollCommandsAsync(cancellationToken);
            }
            catch (Exception e) when (e is AgentPortalUnreachableException or AgentProtocolException)
            {
                _logger.LogError("Polling for commands failed; polling again in {Pause:0.#} s: {Reason}", _options.ErrorPause.TotalSeconds, e.Message);
                await Task.Delay(_options.ErrorPause, _time, cancellationToken);
                continue;
            }

            if (_availability is { IsAnswering: false })
            {
                // A server that went down while the poll was open never saw these; the portal delivers them again.
                _logger.LogWarning("Dropping {Count} command(s) that arrived while the server does not answer", batch.Commands.Count);
                continue;
            }

            // How far the portal's clock is from this server's, measured as the answer arrives (the answer is stamped as it
            // leaves, so the difference is the clocks' plus the network's moment). Deadlines are then judged by the portal's
            // clock however wrong this server's is; an older portal sends no time and the server's own clock is used.
            var portalOffset = batch.PortalTime is { } portalTime ? portalTime - _time.GetUtcNow() : TimeSpan.Zero;
            foreach (var command in batch.Commands)
            {
                await HandleCommandAsync(command, portalOffset, cancellationToken);
            }

            var spacing = _options.MinimumPollSpacing - _time.GetElapsedTime(polledAt);
            if (batch.Commands.Count == 0 && spacing > TimeSpan.Zero)
            {
                await Task.Delay(spacing, _time, cancellationToken);
            }
        }
    }

    private async Task HandleCommandAsync(AgentCommandMessage command, TimeSpan portalOffset, CancellationToken cancellationToken)
    {
        var previous = await _state.FindExecutedAsync(command.Id, cancellationToken);
        CommandResultRequest result;
        if (previous is { Outcome: { } outcome })
        {
            _logger.LogInformation("Command {Id} ({Kind}) was delivered again (delivery {Delivery}); sending its result again without running it", command.Id, command.Kind, command.Delivery);
            result = new CommandResultRequest { Outcome = outcome, Message = previous.Message, CompletedAt = previous.CompletedAt ?? _time.GetUtcNow() };
        }
        else
        {
            if (previous is not null)
            {
                _logger.LogWarning("Command {Id} ({Kind}) was interrupted by a restart; reporting it failed instead of running it again", command.Id, command.Kind);
                result = Failed("The agent stopped while this command was running; it was not run again, so that it cannot run twice. Check the server and send it again if needed.");
            }
            else
            {
                result = await ExecuteAsync(command, portalOffset, cancellationToken);
            }

            // Recorded before the result is posted: if posting fails or the agent stops, the next delivery is answered from here.
            await _state.RecordExecutedAsync(ExecutedCommand.Finished(command, result), cancellationToken);
        }

        Interlocked.Increment(ref _commandsHandled);
        await PostResultAsync(command, result, cancellationToken);
    }

    private async Task<CommandResultRequest> ExecuteAsync(AgentCommandMessage command, TimeSpan portalOffset, CancellationToken cancellationToken)
    {
        var portalNow = _time.GetUtcNow() + portalOffset;
        if (portalNow > command.ExecuteBy)
        {
            _logger.LogWarning(
                "Command {Id} ({Kind}) arrived after its deadline {Deadline:o} (the portal's time is {PortalNow:o}); not running it",
                command.Id, command.Kind, command.ExecuteBy, portalNow);
            return Failed("deadline passed before the agent could run it");
        }

        if (command.Kind == AgentCommandKinds.RefreshReport)
        {
            RequestReport();
            return Succeeded("A fresh snapshot was requested; it follows within seconds.");
        }

        // Marked as started first: if the agent dies mid-command, a redelivery must not run it a second time.
        await _state.RecordExecutedAsync(ExecutedCommand.Started(command), cancellationToken);
        using var timeout = new CancellationTokenSource(_options.CommandTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            _logger.LogInformation("Running command {Id} ({Kind})", command.Id, command.Kind);
            var message = await _host.ExecuteAsync(command, linked.Token);
            _logger.LogInformation("Command {Id} ({Kind}) succeeded: {Message}", command.Id, command.Kind, message);
            if (command.Kind != AgentCommandKinds.CheckSstpListener)
            {
                // The portal learns the command's effect (a session gone, a certificate in place) from the next report:
                // send it now rather than at the next interval or change probe.
                RequestReport();
            }

            return Succeeded(message);
        }
        catch (CommandFailedException e)
        {
            _logger.LogWarning("Command {Id} ({Kind}) failed: {Message}", command.Id, command.Kind, e.Message);
            return Failed(e.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError("Command {Id} ({Kind}) did not finish within {Timeout}", command.Id, command.Kind, _options.CommandTimeout);
            return Failed($"The command did not finish within {_options.CommandTimeout.TotalSeconds:0} s.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "Command {Id} ({Kind}) failed unexpectedly", command.Id, command.Kind);
            return Failed(e.Message);
        }
    }

    private async Task PostResultAsync(AgentCommandMessage command, CommandResultRequest result, CancellationToken cancellationToken)
    {
        await WaitUntilAnsweringAsync(cancellationToken);
        try
        {
            var delivery = await _client.PostCommandResultAsync(command.Id, result, cancellationToken);
            if (delivery != CommandResultDelivery.Accepted)
            {
                _logger.LogWarning("The portal did not take the result of command {Id} ({Kind}): {Delivery}", command.Id, command.Kind, delivery);
            }
        }
        catch (Exception e) when (e is AgentPortalUnreachableException or AgentProtocolException)
        {
            // The result stays in the executed set; the portal delivers the command again and gets it then.
            _logger.LogError("The result of command {Id} ({Kind}) could not be posted: {Reason}", command.Id, command.Kind, e.Message);
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        if (_availability is null || _availability.IsAnswering)
        {
            return;
        }

        SetState(AgentRunnerState.Paused);
        await _availability.WaitUntilAnsweringAsync(cancellationToken);
        SetState(AgentRunnerState.Running);
    }

    private void SetState(AgentRunnerState state) => Volatile.Write(ref _runState, (int)state);

    private CommandResultRequest Succeeded(string message) =>
        new() { Outcome = CommandOutcome.Succeeded, Message = message, CompletedAt = _time.GetUtcNow() };

    private CommandResultRequest Failed(string message) =>
        new() { Outcome = CommandOutcome.Failed, Message = message, CompletedAt = _time.GetUtcNow() };
}
