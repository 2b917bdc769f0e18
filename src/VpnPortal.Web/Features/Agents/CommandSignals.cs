using System.Collections.Concurrent;

namespace VpnPortal.Web.Features.Agents;

/// <summary>
/// Wakes a server's held command poll when a command is queued for it, so delivery takes milliseconds, not a poll
/// interval. Only a hint: the poll always reads the database, and re-reads it every few seconds anyway, so a
/// command queued on another portal node is still delivered.
/// </summary>
public sealed class CommandSignals
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiters = new();

    /// <summary>A task that completes at the next <see cref="Notify"/> for the server.</summary>
    public Task WaitAsync(Guid serverId) =>
        _waiters.GetOrAdd(serverId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(Guid serverId)
    {
        if (_waiters.TryRemove(serverId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
