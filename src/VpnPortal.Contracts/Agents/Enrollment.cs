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
/// <c>POST /api/v1/enrollment-tokens</c> (an Admin API key): mint a one-time enrollment token. The simulator uses it to
/// enroll each simulated server under its own identity.
/// </summary>
public sealed record CreateEnrollmentTokenRequest
{
    public required AgentRole Role { get; init; }

    /// <summary>Minutes the token stays usable; default 60, at most one week.</summary>
    public int? ValidForMinutes { get; init; }
}

public sealed record CreatedEnrollmentToken
{
    public required Guid Id { get; init; }
    public required AgentRole Role { get; init; }

    /// <summary>The token itself, shown once.</summary>
    public required string Token { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>The route of <see cref="CreateEnrollmentTokenRequest"/> in the portal's v1 API.</summary>
public static class PortalApiRoutes
{
    public const string EnrollmentTokens = "/api/v1/enrollment-tokens";
}
