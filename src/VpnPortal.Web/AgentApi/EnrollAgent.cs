using Microsoft.EntityFrameworkCore;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Agents;
using VpnPortal.Domain.Naming;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.AgentApi;

/// <summary>
/// Exchanges a one-time enrollment token for an agent credential. A new-server token creates the server; only a token
/// minted to replace a named server re-enrolls that server (a rebuild keeps its history, and its previous agent is
/// revoked as replaced). Every other attempt is refused, audited, and leaves the token unused.
/// </summary>
public sealed class EnrollAgent(PortalDbContext db, TimeProvider time, FleetEvents events, CurrentActor actor, ILogger<EnrollAgent> logger)
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

        // What enrollment writes is the fleet's own doing, credited to the machine that enrolls (and where it came from).
        actor.Set(new AuditActor(AuditActorKind.Agent, null, $"agent enrolling as {machineName}", actor.Current.RemoteAddress));

        var now = time.GetUtcNow();
        var tokenHash = ApiKeySecrets.Hash(request.Token.Trim());
        var token = await db.AgentEnrollmentTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == tokenHash, ct);
        if (token is null)
        {
            logger.LogWarning("Refused enrollment of {Machine}: unknown token", machineName);
            return Refused();
        }

        if (token.UsedAt is not null || token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            var state = token.UsedAt is not null ? "already used" : token.RevokedAt is not null ? "revoked" : "expired";
            await AuditRefusalAsync(token, machineName, request, $"the token is {state}", ct);
            return Refused();
        }

        var lower = machineName.ToLowerInvariant();
        var existing = await db.Servers.AsNoTracking()
            .Where(s => s.Name.ToLower() == lower)
            .Select(s => new { s.Id, s.Name, s.Role })
            .FirstOrDefaultAsync(ct);
        var grant = new EnrollmentGrant(token.ServerName, token.ReplacesServerId);
        var refusal = EnrollmentRules.Refusal(grant, machineName, existing is null ? null : new EnrolledServer(existing.Id, existing.Name));
        if (refusal is null && existing is not null && existing.Role != token.Role)
        {
            refusal = $"{existing.Name} is in the portal as an {EnrollmentTokens.RoleName(existing.Role)} server, but this token is for {EnrollmentTokens.RoleName(token.Role)}.";
        }

        if (refusal is not null)
        {
            await AuditRefusalAsync(token, machineName, request, refusal, ct);
            return new Result(null, StatusCodes.Status409Conflict, new AgentProblem
            {
                Error = AgentErrorCodes.EnrollmentRefused,
                Message = refusal + " The token was not used.",
                Field = "$.machineName",
            });
        }

        try
        {
            return await EnrollAsync(token, existing?.Id, machineName, request, reportIntervalSeconds, now, ct);
        }
        catch (DbUpdateException) when (existing is null)
        {
            // Another agent enrolled a server of this name between the check and the insert: that server now exists,
            // and this token is not for it. The transaction rolled back, so the token is still unused.
            db.ChangeTracker.Clear();
            var raced = $"{machineName} was enrolled by another agent at the same moment.";
            await AuditRefusalAsync(token, machineName, request, raced, ct);
            return new Result(null, StatusCodes.Status409Conflict, new AgentProblem
            {
                Error = AgentErrorCodes.EnrollmentRefused,
                Message = raced + " The token was not used.",
                Field = "$.machineName",
            });
        }
    }

    private async Task<Result> EnrollAsync(
        AgentEnrollmentToken token, Guid? existingId, string machineName, EnrollRequest request, int reportIntervalSeconds, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var agentId = Guid.NewGuid();

        // Consuming the token is one conditional update, so two agents presenting it at once cannot both enroll.
        var consumed = await db.AgentEnrollmentTokens
            .Where(t => t.Id == token.Id && t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now).SetProperty(t => t.UsedByAgentId, agentId), ct);
        if (consumed == 0)
        {
            logger.LogWarning("Refused enrollment of {Machine}: token {TokenId} was used or revoked at the same moment", machineName, token.Id);
            return Refused();
        }

        ManagedServer server;
        if (existingId is null)
        {
            server = token.Role == ServerRole.Rras ? new RrasServer() : new NpsServer();
            server.Id = Guid.NewGuid();
            server.Name = machineName;
            server.HostFqdn = Clean(request.HostFqdn);
            db.Servers.Add(server);
            db.Audit(
                $"{(token.Role == ServerRole.Rras ? "rras" : "nps")}-server.created",
                $"Created {EnrollmentTokens.RoleName(token.Role)} server {server.Name} by enrolling its agent",
                token.Role == ServerRole.Rras ? "rras-server" : "nps-server",
                server.Id.ToString(),
                after: new { server.Name, server.HostFqdn, EnrollmentToken = token.Id });

            // The server and its agent point at each other: the server row must exist before the agent's.
            await db.SaveChangesAsync(ct);
        }
        else
        {
            server = await db.Servers.FirstAsync(s => s.Id == existingId, ct);
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
            existingId is not null
                ? $"Created agent for {server.Name}: enrolled again with a replacement token; the previous agent was revoked as replaced"
                : $"Created agent for new {EnrollmentTokens.RoleName(token.Role)} server {server.Name}",
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

    /// <summary>A refused attempt with a real token is written to the audit log on its own: nothing else of it is kept.</summary>
    private async Task AuditRefusalAsync(AgentEnrollmentToken token, string machineName, EnrollRequest request, string reason, CancellationToken ct)
    {
        logger.LogWarning("Refused enrollment of {Machine} with token {TokenId}: {Reason}", machineName, token.Id, reason);
        db.Audit(
            "agent.enrollment-refused",
            $"Refused the enrollment of {machineName}: {reason}",
            "agent-enrollment-token",
            token.Id.ToString(),
            after: new { Machine = machineName, request.HostFqdn, request.AgentVersion, TokenFor = token.ServerName, token.ReplacesServerId });
        await db.SaveChangesAsync(ct);
    }

    private static Result Invalid(string field, string message) =>
        new(null, StatusCodes.Status400BadRequest, new AgentProblem { Error = "invalid-request", Message = message, Field = field });

    private static Result Refused() =>
        new(null, StatusCodes.Status401Unauthorized, new AgentProblem { Error = AgentErrorCodes.InvalidEnrollmentToken, Message = TokenRefused, Field = "$.token" });

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
