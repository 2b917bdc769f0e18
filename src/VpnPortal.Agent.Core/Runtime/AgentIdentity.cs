using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Runtime;

/// <summary>
/// Who this agent is to the portal, as enrollment made it. <see cref="ToString"/> leaves the credential out, so
/// logging an identity never leaks the bearer secret.
/// </summary>
public sealed record AgentIdentity(
    Uri Portal,
    Guid AgentId,
    Guid ServerId,
    AgentRole Role,
    string MachineName,
    string Credential,
    int ReportIntervalSeconds)
{
    public static AgentIdentity From(Uri portal, string machineName, EnrollResponse response) =>
        new(portal, response.AgentId, response.ServerId, response.Role, machineName, response.Credential, response.ReportIntervalSeconds);

    public override string ToString() =>
        $"{Role} agent {AgentId} of server {ServerId} ({MachineName}) at {Portal}";
}

/// <summary>Exit codes of <see cref="AgentRunner.RunAsync"/> and of the <c>run</c> and <c>simulate</c> verbs.</summary>
public static class AgentExitCodes
{
    public const int Stopped = 0;
    public const int Failed = 1;

    /// <summary>The portal no longer knows the credential: only a new enrollment helps, so a supervisor must not just restart.</summary>
    public const int NotEnrolled = 3;
}
