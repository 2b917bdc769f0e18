namespace VpnPortal.Agent.Runtime;

/// <summary>
/// Implemented by hosts that can be "unreachable" (a simulated server whose network is cut): the runner waits on it
/// before every call to the portal, so while it is down the agent sends no reports and polls no commands.
/// </summary>
public interface IServerAvailability
{
    bool IsAnswering { get; }

    /// <summary>Completes at once while the server answers, otherwise when it answers again.</summary>
    Task WaitUntilAnsweringAsync(CancellationToken cancellationToken);
}
