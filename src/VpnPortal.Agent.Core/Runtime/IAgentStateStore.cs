using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Runtime;

/// <summary>
/// What an agent keeps between runs: its identity, the last snapshot sequence it used, and the commands it has run
/// (so a command delivered again is answered from here instead of being run twice).
/// </summary>
public interface IAgentStateStore
{
    Task<AgentIdentity?> LoadIdentityAsync(CancellationToken cancellationToken);

    Task SaveIdentityAsync(AgentIdentity identity, CancellationToken cancellationToken);

    /// <summary>The highest sequence number used so far; 0 when none.</summary>
    Task<long> LoadLastSequenceAsync(CancellationToken cancellationToken);

    Task SaveLastSequenceAsync(long sequence, CancellationToken cancellationToken);

    Task<ExecutedCommand?> FindExecutedAsync(Guid commandId, CancellationToken cancellationToken);

    /// <summary>Records a command as started or finished; keeps only the most recent <see cref="ExecutedCommandLimit"/> ids.</summary>
    Task RecordExecutedAsync(ExecutedCommand command, CancellationToken cancellationToken);

    public const int ExecutedCommandLimit = 1000;
}

/// <summary>
/// A command this agent took on. <see cref="Outcome"/> is null while it runs: a command found in that state after a
/// restart was interrupted, and is reported failed rather than run a second time.
/// </summary>
public sealed record ExecutedCommand(Guid Id, string Kind, CommandOutcome? Outcome, string? Message, DateTimeOffset? CompletedAt)
{
    public static ExecutedCommand Started(AgentCommandMessage command) => new(command.Id, command.Kind, null, null, null);

    public static ExecutedCommand Finished(AgentCommandMessage command, CommandResultRequest result) =>
        new(command.Id, command.Kind, result.Outcome, result.Message, result.CompletedAt);
}

/// <summary>The executed-command set both stores keep: insertion ordered, bounded, replacing an id in place.</summary>
internal sealed class ExecutedCommandLog
{
    private readonly Dictionary<Guid, ExecutedCommand> _byId = [];
    private readonly Queue<Guid> _order = new();
    private readonly int _limit;

    public ExecutedCommandLog(int limit, IEnumerable<ExecutedCommand>? initial = null)
    {
        _limit = limit;
        foreach (var command in initial ?? [])
        {
            Record(command);
        }
    }

    public ExecutedCommand? Find(Guid id) => _byId.GetValueOrDefault(id);

    public void Record(ExecutedCommand command)
    {
        if (!_byId.ContainsKey(command.Id))
        {
            _order.Enqueue(command.Id);
        }

        _byId[command.Id] = command;
        while (_order.Count > _limit)
        {
            _byId.Remove(_order.Dequeue());
        }
    }

    /// <summary>Oldest first, the order the log is written in and read back.</summary>
    public IReadOnlyList<ExecutedCommand> InOrder() => _order.Select(id => _byId[id]).ToList();
}
