using System.Collections.Concurrent;

namespace VpnPortal.Web.Features.Agents;

/// <summary>
/// Wakes a server's held command poll when a command is queued for it, so delivery takes milliseconds, not a poll
/// interval. Only a hint: the poll always reads the database, and re-reads it every few seconds anyway. A command
/// queued on another portal node wakes the poll here through the relay between nodes (<see cref="PostgresNodeRelay"/>).
/// </summary>
public sealed class CommandSignals
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiters = new();

    /// <summary>A task that completes at the next <see cref="Notify"/> for the server.</summary>
    public Task WaitAsync(Guid serverId) =>
        _waiters.GetOrAdd(serverId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Raised for each wake-up asked for on this node, for the relay to the other nodes.</summary>
    public event Action<Guid>? NotifiedHere;

    public void Notify(Guid serverId)
    {
        Receive(serverId);
        NotifiedHere?.Invoke(serverId);
    }

    /// <summary>A wake-up another node asked for: a poll held here for the server returns to read its commands.</summary>
    public void Receive(Guid serverId)
    {
        if (_waiters.TryRemove(serverId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
