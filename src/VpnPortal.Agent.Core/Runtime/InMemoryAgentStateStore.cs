namespace VpnPortal.Agent.Runtime;

/// <summary>State kept in memory, for simulated agents: their history lives in the portal, not on a disk.</summary>
public sealed class InMemoryAgentStateStore : IAgentStateStore
{
    private readonly Lock _lock = new();
    private readonly ExecutedCommandLog _executed = new(IAgentStateStore.ExecutedCommandLimit);
    private AgentIdentity? _identity;
    private long _lastSequence;

    public Task<AgentIdentity?> LoadIdentityAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_identity);
        }
    }

    public Task SaveIdentityAsync(AgentIdentity identity, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _identity = identity;
        }

        return Task.CompletedTask;
    }

    public Task<long> LoadLastSequenceAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_lastSequence);
        }
    }

    public Task SaveLastSequenceAsync(long sequence, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _lastSequence = sequence;
        }

        return Task.CompletedTask;
    }

    public Task<ExecutedCommand?> FindExecutedAsync(Guid commandId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_executed.Find(commandId));
        }
    }

    public Task RecordExecutedAsync(ExecutedCommand command, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _executed.Record(command);
        }

        return Task.CompletedTask;
    }
}
