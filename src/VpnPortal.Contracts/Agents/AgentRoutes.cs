namespace VpnPortal.Contracts.Agents;

/// <summary>The agent API's routes (relative to the portal's base address) and protocol constants.</summary>
public static class AgentRoutes
{
    public const string Base = "/api/agent/v1";
    public const string Enroll = Base + "/enroll";
    public const string Snapshots = Base + "/snapshots";

    /// <summary>Long-poll for commands: <c>GET</c>, answered when a command is queued or after <see cref="LongPollSeconds"/>.</summary>
    public const string Commands = Base + "/commands";

    /// <summary>The result of one command: <c>POST {Base}/commands/{id}/result</c>.</summary>
    public static string CommandResult(Guid commandId) => $"{Base}/commands/{commandId:D}/result";

    /// <summary>How long the portal holds a command poll open when nothing is queued.</summary>
    public const int LongPollSeconds = 25;

    /// <summary>Default interval between full snapshots.</summary>
    public const int DefaultReportIntervalSeconds = 30;

    /// <summary>The HTTP authentication scheme agents present their credential with.</summary>
    public const string AuthenticationScheme = "Bearer";
}

/// <summary>Machine-readable error codes in the portal's problem responses to agents.</summary>
public static class AgentErrorCodes
{
    /// <summary>The credential is unknown or revoked: the agent must stop and be enrolled again.</summary>
    public const string NotEnrolled = "agent-not-enrolled";

    /// <summary>The enrollment token is unknown, used, expired or revoked.</summary>
    public const string InvalidEnrollmentToken = "invalid-enrollment-token";

    /// <summary>
    /// The token is valid but not for this machine: it names another server, or the server is already in the portal and
    /// only a token that replaces it may enroll it again. The token stays unused.
    /// </summary>
    public const string EnrollmentRefused = "enrollment-refused";

    /// <summary>The snapshot was malformed; the message names the field.</summary>
    public const string InvalidSnapshot = "invalid-snapshot";
}

/// <summary>The body of every 4xx the agent API returns.</summary>
public sealed record AgentProblem
{
    public required string Error { get; init; }
    public required string Message { get; init; }

    /// <summary>The JSON path of the offending field, when one field is to blame (e.g. <c>$.rras.sessions[3].totalBytesIn</c>).</summary>
    public string? Field { get; init; }
}
