using System.Text.Json.Serialization;

namespace VpnPortal.Contracts.Agents;

/// <summary>What a managed server is: it decides which parts of a snapshot the agent sends.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentRole>))]
public enum AgentRole
{
    Rras = 1,
    Nps = 2,
}

/// <summary>An agent presents a one-time enrollment token once, to receive its own credential.</summary>
public sealed record EnrollRequest
{
    public required string Token { get; init; }

    /// <summary>The server's NetBIOS/host name; a server enrolled again under the same name keeps its history.</summary>
    public required string MachineName { get; init; }

    public string? HostFqdn { get; init; }
    public required string AgentVersion { get; init; }
    public string? OsVersion { get; init; }
}

public sealed record EnrollResponse
{
    public required Guid AgentId { get; init; }
    public required Guid ServerId { get; init; }
    public required AgentRole Role { get; init; }

    /// <summary>The agent's bearer secret (256 random bits, base64url). Shown once; the portal keeps only its hash.</summary>
    public required string Credential { get; init; }

    public int ReportIntervalSeconds { get; init; } = AgentRoutes.DefaultReportIntervalSeconds;
}

/// <summary>
/// <c>POST /api/v1/enrollment-tokens</c> (an Admin API key): mint a one-time enrollment token, either for one new
/// server (<see cref="Role"/>, optionally the <see cref="ServerName"/> it must enroll as) or to replace the agent of a
/// server already in the portal (<see cref="ReplaceServer"/>). The simulator uses it to enroll each simulated server
/// under its own identity.
/// </summary>
public sealed record CreateEnrollmentTokenRequest
{
    /// <summary>RRAS or NPS; required for a new server, and taken from the server for a replacement.</summary>
    public AgentRole? Role { get; init; }

    /// <summary>The host name the new server must enroll as; without it, any name not yet in the portal.</summary>
    public string? ServerName { get; init; }

    /// <summary>The name or id of the server whose agent the token replaces (a rebuilt server).</summary>
    public string? ReplaceServer { get; init; }

    /// <summary>Minutes the token stays usable; default 60, at most one week.</summary>
    public int? ValidForMinutes { get; init; }
}

public sealed record CreatedEnrollmentToken
{
    public required Guid Id { get; init; }
    public required AgentRole Role { get; init; }

    /// <summary>The name the agent must enroll as; null when any new name is allowed.</summary>
    public string? ServerName { get; init; }

    /// <summary>The server whose agent this token replaces; null for a new server.</summary>
    public Guid? ReplacesServerId { get; init; }

    /// <summary>The token itself, shown once.</summary>
    public required string Token { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>The route of <see cref="CreateEnrollmentTokenRequest"/> in the portal's v1 API.</summary>
public static class PortalApiRoutes
{
    public const string EnrollmentTokens = "/api/v1/enrollment-tokens";
}
