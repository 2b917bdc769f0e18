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
/// In-process notifications so open pages refresh when the fleet changes. A page re-reads the database on a
/// change; nothing is carried in the event, so a missed one only delays an update until the next.
/// </summary>
public sealed class FleetEvents
{
    public event Action<FleetChange>? Changed;

    public void Publish(FleetChange change)
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
