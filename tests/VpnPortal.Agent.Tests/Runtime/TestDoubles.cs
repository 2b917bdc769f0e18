using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using VpnPortal.Agent.Hosting;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Tests.Runtime;

/// <summary>A server host that counts what it is asked to do; commands run <see cref="Execute"/>.</summary>
internal sealed class RecordingHost : IServerHost
{
    public ConcurrentDictionary<Guid, int> Executions { get; } = new();

    public Func<AgentCommandMessage, string> Execute { get; set; } = c => $"ran {c.Kind}";

    public AgentRole Role => AgentRole.Rras;

    public string MachineName => "RRAS-TEST-01";

    public string? HostFqdn => "RRAS-TEST-01.corp.example";

    public Task<ServerState> CollectAsync(CancellationToken cancellationToken) => Task.FromResult(new ServerState(
        new RrasState
        {
            Sessions = [],
            Summary = new ConnectionSummary { TotalConnections = 0, TotalUniqueUsers = 0, TotalBytesIn = 0, TotalBytesOut = 0 },
            SslBindings = [],
            Sstp = new SstpParameters { ListenerPort = 443, UseHttps = true },
            RadiusServers = [],
        },
        null,
        []));

    public Task<string> ExecuteAsync(AgentCommandMessage command, CancellationToken cancellationToken)
    {
        Executions.AddOrUpdate(command.Id, 1, (_, n) => n + 1);
        return Task.FromResult(Execute(command));
    }

    public Task WaitForChangeAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
}

/// <summary>Keeps every formatted log line (with its exception), to assert on what was and was not logged.</summary>
internal sealed class RecordingLogger : ILogger, ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public string All => string.Join(Environment.NewLine, _lines);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }
}
