using Microsoft.EntityFrameworkCore;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Naming;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.AgentApi;

/// <summary>
/// Exchanges a one-time enrollment token for an agent credential. The server is found by host name: a rebuilt
/// server enrolling again keeps its history, and its previous agent is revoked as replaced.
/// </summary>
public sealed class EnrollAgent(PortalDbContext db, TimeProvider time, FleetEvents events, ILogger<EnrollAgent> logger)
{
    public sealed record Result(EnrollResponse? Response, int Status, AgentProblem? Problem);

    private const string TokenRefused = "The enrollment token is unknown, already used, revoked or expired. Create a new one on the Agents page or with 'admin create-enrollment-token'.";

    public async Task<Result> RunAsync(EnrollRequest request, int reportIntervalSeconds, CancellationToken ct)
    {
        var machineName = request.MachineName?.Trim() ?? "";
        if (HostNames.ValidateHostName(machineName) is { } nameError)
        {
            return Invalid("$.machineName", nameError);
        }

        if (!string.IsNullOrWhiteSpace(request.HostFqdn) && HostNames.ValidateFqdn(request.HostFqdn, "hostFqdn") is { } fqdnError)
        {
            return Invalid("$.hostFqdn", fqdnError);
        }

        if (string.IsNullOrWhiteSpace(request.AgentVersion) || request.AgentVersion.Length > 64 || request.AgentVersion.Any(char.IsControl))
        {
            return Invalid("$.agentVersion", "agentVersion is required and has at most 64 printable characters.");
        }

        if (request.OsVersion is { } os && (os.Length > FieldLimits.Name || os.Any(char.IsControl)))
        {
            return Invalid("$.osVersion", $"osVersion has at most {FieldLimits.Name} printable characters.");
        }

        if (string.IsNullOrEmpty(request.Token) || request.Token.Length > AgentCredentials.MaxLength)
        {
            return Refused();
        }

        var now = time.GetUtcNow();
        var tokenHash = ApiKeySecrets.Hash(request.Token.Trim());
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var token = await db.AgentEnrollmentTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == tokenHash, ct);
        if (token is null)
        {
            return Refused();
        }

        var agentId = Guid.NewGuid();

        // Consuming the token is one conditional update, so two agents presenting it at once cannot both enroll.
        var consumed = await db.AgentEnrollmentTokens
            .Where(t => t.Id == token.Id && t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now).SetProperty(t => t.UsedByAgentId, agentId), ct);
        if (consumed == 0)
        {
            logger.LogWarning("Refused enrollment of {Machine}: token {TokenId} is used, revoked or expired", machineName, token.Id);
            return Refused();
        }

        var server = await db.Servers.FirstOrDefaultAsync(s => s.Name.ToLower() == machineName.ToLower(), ct);
        if (server is not null && server.Role != token.Role)
        {
            await tx.RollbackAsync(ct);
            return new Result(null, StatusCodes.Status409Conflict, new AgentProblem
            {
                Error = AgentErrorCodes.InvalidEnrollmentToken,
                Message = $"A server named {server.Name} is already in the portal as an {RoleName(server.Role)} server, but this token is for {RoleName(token.Role)}. Use a token for the right role; the token was not used.",
                Field = "$.token",
            });
        }

        var reEnrolled = server is not null;
        if (server is null)
        {
            server = token.Role == ServerRole.Rras ? new RrasServer() : new NpsServer();
            server.Id = Guid.NewGuid();
            server.Name = machineName;
            server.HostFqdn = Clean(request.HostFqdn);
            db.Servers.Add(server);

            // The server and its agent point at each other: the server row must exist before the agent's.
            await db.SaveChangesAsync(ct);
        }
        else
        {
            var replaced = await db.Agents.Where(a => a.ServerId == server.Id && a.RevokedAt == null).ToListAsync(ct);
            foreach (var old in replaced)
            {
                old.RevokedAt = now;
                old.RevokedReason = "Replaced: the server enrolled again";
            }
        }

        var credential = AgentCredentials.New();
        db.Agents.Add(new Data.Entities.Agent
        {
            Id = agentId,
            Role = token.Role,
            ServerId = server.Id,
            MachineName = server.Name,
            HostFqdn = Clean(request.HostFqdn),
            OsVersion = Clean(request.OsVersion),
            AgentVersion = request.AgentVersion.Trim(),
            CredentialHash = AgentCredentials.Hash(credential),
            EnrollmentTokenId = token.Id,
            EnrolledAt = now,
        });
        server.AgentId = agentId;
        db.Audit(
            "agent.enrolled",
            reEnrolled ? $"Agent enrolled again for {server.Name}; the previous agent was revoked as replaced" : $"Agent enrolled for new {RoleName(token.Role)} server {server.Name}",
            "agent",
            agentId.ToString(),
            after: new { Server = server.Name, Role = token.Role.ToString(), request.HostFqdn, request.AgentVersion, EnrollmentToken = token.Id });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Agent {AgentId} enrolled for {Role} server {Server}", agentId, token.Role, server.Name);
        events.Publish(new FleetChange(FleetChangeKind.AgentsChanged, server.Id));
        return new Result(
            new EnrollResponse
            {
                AgentId = agentId,
                ServerId = server.Id,
                Role = (AgentRole)(int)token.Role,
                Credential = credential,
                ReportIntervalSeconds = reportIntervalSeconds,
            },
            StatusCodes.Status200OK,
            null);
    }

    private static string RoleName(ServerRole role) => role == ServerRole.Rras ? "RRAS" : "NPS";

    private static Result Invalid(string field, string message) =>
        new(null, StatusCodes.Status400BadRequest, new AgentProblem { Error = "invalid-request", Message = message, Field = field });

    private static Result Refused() =>
        new(null, StatusCodes.Status401Unauthorized, new AgentProblem { Error = AgentErrorCodes.InvalidEnrollmentToken, Message = TokenRefused, Field = "$.token" });

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
