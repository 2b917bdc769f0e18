using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Runtime;

/// <summary>The portal answered 401 to an agent call: the credential is unknown or revoked, so the agent must be enrolled again.</summary>
public sealed class AgentNotEnrolledException(string message) : Exception(message);

/// <summary>The portal refused an enrollment token (400/401 <c>invalid-enrollment-token</c>).</summary>
public sealed class EnrollmentRejectedException(int statusCode, AgentProblem? problem, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public AgentProblem? Problem { get; } = problem;
}

/// <summary>The portal refused a snapshot (400 invalid, 413 too large). Sending the same snapshot again cannot help.</summary>
public sealed class SnapshotRejectedException(int statusCode, string message, string? field) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The JSON path the portal blamed, when it named one.</summary>
    public string? Field { get; } = field;
}

/// <summary>The portal could not be reached (or kept answering 5xx) through every retry the call allowed.</summary>
public sealed class AgentPortalUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The portal answered with a status the protocol does not define for the call; retrying the same request will not help.</summary>
public sealed class AgentProtocolException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
