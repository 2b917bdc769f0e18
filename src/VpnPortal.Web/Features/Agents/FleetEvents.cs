namespace VpnPortal.Web.Features.Agents;

public enum FleetChangeKind
{
    /// <summary>A server's snapshot was applied: sessions, bindings, stores or counters may differ.</summary>
    ServerReported = 1,

    /// <summary>An agent enrolled, was revoked, or a token was created, used or revoked.</summary>
    AgentsChanged = 2,

    /// <summary>A command was queued, delivered, or finished (with the server it belongs to).</summary>
    CommandChanged = 3,

    /// <summary>A server's diagnostics findings opened, resolved, or were acknowledged, or a rule was suppressed or lifted.</summary>
    FindingsChanged = 4,
}

public sealed record FleetChange(FleetChangeKind Kind, Guid? ServerId = null);

/// <summary>
/// Notifications so open pages refresh when the fleet changes. A page re-reads the database on a change; nothing is
/// carried in the event, so a missed one only delays an update until the next. A change made on this node is also
/// told to the portal's other nodes when there are any (<see cref="PostgresNodeRelay"/>).
/// </summary>
public sealed class FleetEvents
{
    public event Action<FleetChange>? Changed;

    /// <summary>Raised for each change made on this node, for the relay to the other nodes.</summary>
    public event Action<FleetChange>? PublishedHere;

    public void Publish(FleetChange change)
    {
        Raise(change);
        PublishedHere?.Invoke(change);
    }

    /// <summary>A change another node made: this node's pages hear of it (and it is not passed on again).</summary>
    public void Receive(FleetChange change) => Raise(change);

    private void Raise(FleetChange change)
    {
        var handlers = Changed;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<FleetChange>>())
        {
            // One broken page must not stop the others from hearing about the change, nor fail the agent's request.
            try
            {
                handler(change);
            }
            catch (ObjectDisposedException)
            {
                // A page disposed while the event was in flight: nothing to refresh.
            }
        }
    }
}
