namespace VpnPortal.Agent.Runtime;

/// <summary>
/// A one-bit "something asked for this" flag that can be awaited. Setting it twice before it is consumed counts once,
/// which is what a "report now" request means and keeps it bounded.
/// </summary>
internal sealed class AsyncSignal
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _source = NewSource();

    public void Set()
    {
        lock (_lock)
        {
            _source.TrySetResult();
        }
    }

    /// <summary>Completes when the signal is (or already was) set, and resets it.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task task;
        lock (_lock)
        {
            task = _source.Task;
        }

        await task.WaitAsync(cancellationToken);
        lock (_lock)
        {
            if (_source.Task == task)
            {
                _source = NewSource();
            }
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
