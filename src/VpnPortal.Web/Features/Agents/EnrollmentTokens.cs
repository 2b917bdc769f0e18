using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Agents;
using VpnPortal.Domain.Naming;
using VpnPortal.Web.Features.Servers;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Agents;

/// <summary>One-time tokens that let a server's agent enroll: create (the token is shown once), list, revoke.</summary>
public sealed class EnrollmentTokens(PortalDbContext db, TimeProvider time, IOptions<AgentOptions> options, FleetEvents events)
{
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(7);

    public sealed record Created(string Token, TokenRow Row);

    /// <summary>
    /// A token to mint: for a new server (<paramref name="Role"/>, optionally the <paramref name="ServerName"/> it must
    /// enroll as), or to replace the agent of the server named or identified by <paramref name="ReplaceServer"/>, whose
    /// role it takes.
    /// </summary>
    public sealed record Request(ServerRole? Role, string? ServerName = null, string? ReplaceServer = null, TimeSpan? ValidFor = null);

    public sealed record TokenRow(
        Guid Id, ServerRole Role, string? ServerName, Guid? ReplacesServerId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
        DateTimeOffset? UsedAt, Guid? UsedByAgentId, string? UsedByMachine, DateTimeOffset? RevokedAt)
    {
        public bool IsUsable(DateTimeOffset now) => UsedAt is null && RevokedAt is null && ExpiresAt > now;

        public bool IsReplacement => ReplacesServerId is not null;
    }

    /// <summary>
    /// Mints a token; the lifetime defaults to the configured one. Answers the token (shown once), or why not under the
    /// request's field it is about.
    /// </summary>
    public async Task<CommandResult<Created>> CreateAsync(Request request, Guid? createdByUserId, CancellationToken ct = default)
    {
        var lifetime = request.ValidFor ?? TimeSpan.FromMinutes(options.Value.EnrollmentTokenMinutes);
        if (lifetime < TimeSpan.FromMinutes(1) || lifetime > MaxValidity)
        {
            return CommandResult<Created>.Invalid(nameof(Request.ValidFor), "A token must be valid for at least a minute and at most 7 days.");
        }

        var granted = await GrantAsync(request, ct);
        if (!granted.Succeeded)
        {
            return granted.As<Created>();
        }

        var (grant, role) = granted.Value;
        var token = ApiKeySecrets.NewToken();
        var now = time.GetUtcNow();
        var entity = new AgentEnrollmentToken
        {
            Id = Guid.NewGuid(),
            Role = role,
            ServerName = grant.ServerName,
            ReplacesServerId = grant.ReplacesServerId,
            TokenHash = ApiKeySecrets.Hash(token),
            CreatedByUserId = createdByUserId,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.AgentEnrollmentTokens.Add(entity);
        await db.SaveChangesAsync(ct);
        events.Publish(new FleetChange(FleetChangeKind.AgentsChanged));
        return CommandResult<Created>.Ok(
            new Created(token, new TokenRow(entity.Id, role, entity.ServerName, entity.ReplacesServerId, now, entity.ExpiresAt, null, null, null, null)), entity.Id);
    }

    private async Task<CommandResult<(EnrollmentGrant Grant, ServerRole Role)>> GrantAsync(Request request, CancellationToken ct)
    {
        var name = string.IsNullOrWhiteSpace(request.ServerName) ? null : request.ServerName.Trim();
        if (!string.IsNullOrWhiteSpace(request.ReplaceServer))
        {
            var key = request.ReplaceServer.Trim();
            var server = await db.Servers.AsNoTracking().Matching(key)
                .Select(s => new { s.Id, s.Name, s.Role })
                .FirstOrDefaultAsync(ct);
            if (server is null)
            {
                return Refused(nameof(Request.ReplaceServer),
                    $"No server named {key} is in the portal. To enroll a server that is not in the portal yet, create a token for a new server.");
            }

            if (request.Role is { } role && role != server.Role)
            {
                return Refused(nameof(Request.Role),
                    $"{server.Name} is an {RoleName(server.Role)} server; a token that replaces its agent is for {RoleName(server.Role)}.");
            }

            if (name is not null && !EnrollmentRules.SameName(name, server.Name))
            {
                return Refused(nameof(Request.ServerName), $"A token that replaces {server.Name} enrolls under that name, not {name}.");
            }

            return CommandResult<(EnrollmentGrant, ServerRole)>.Ok((EnrollmentGrant.Replace(server.Id, server.Name), server.Role));
        }

        if (request.Role is not { } newRole || !Enum.IsDefined(newRole))
        {
            return Refused(nameof(Request.Role),
                "Choose the role, RRAS or NPS: the token decides which kind of server enrolls with it (or name the server whose agent it replaces).");
        }

        if (name is not null)
        {
            if (HostNames.ValidateHostName(name) is { } nameError)
            {
                return Refused(nameof(Request.ServerName), nameError);
            }

            var lower = name.ToLowerInvariant();
            if (await db.Servers.AsNoTracking().Where(s => s.Name.ToLower() == lower).Select(s => s.Name).FirstOrDefaultAsync(ct) is { } taken)
            {
                return Refused(nameof(Request.ServerName),
                    $"{taken} is already in the portal. To enroll its agent again (after a rebuild), create a token that replaces {taken}.");
            }
        }

        return CommandResult<(EnrollmentGrant, ServerRole)>.Ok((EnrollmentGrant.NewServer(name), newRole));

        static CommandResult<(EnrollmentGrant, ServerRole)> Refused(string field, string message) =>
            CommandResult<(EnrollmentGrant, ServerRole)>.Invalid(field, message);
    }

    internal static string RoleName(ServerRole role) => role == ServerRole.Nps ? "NPS" : "RRAS";

    /// <summary>Tokens newest first; used and expired ones stay listed for a week so admins see what happened to them.</summary>
    public async Task<List<TokenRow>> ListAsync(CancellationToken ct = default)
    {
        var since = time.GetUtcNow() - TimeSpan.FromDays(7);
        var rows = await db.AgentEnrollmentTokens.AsNoTracking()
            .Where(t => t.ExpiresAt > since || t.UsedAt > since)
            .Select(t => new TokenRow(
                t.Id, t.Role, t.ServerName, t.ReplacesServerId, t.CreatedAt, t.ExpiresAt, t.UsedAt, t.UsedByAgentId,
                db.Agents.Where(a => a.Id == t.UsedByAgentId).Select(a => a.MachineName).FirstOrDefault(),
                t.RevokedAt))
            .ToListAsync(ct);
        return rows.OrderByDescending(r => r.CreatedAt).ToList();
    }

    /// <summary>Revokes an unused token; revoking a revoked one changes nothing and succeeds. A used token cannot be revoked.</summary>
    public async Task<CommandResult> RevokeAsync(Guid id, Guid? revokedByUserId, CancellationToken ct = default)
    {
        var token = await db.AgentEnrollmentTokens.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (token is null)
        {
            return CommandResult.NotFound("That token does not exist.");
        }

        if (token.UsedAt is not null)
        {
            return CommandResult.Conflict("That token was already used; revoke the agent that enrolled with it instead.");
        }

        if (token.RevokedAt is not null)
        {
            return CommandResult.Ok(token.Id);
        }

        token.RevokedAt = time.GetUtcNow();
        token.RevokedByUserId = revokedByUserId;
        await db.SaveChangesAsync(ct);
        events.Publish(new FleetChange(FleetChangeKind.AgentsChanged));
        return CommandResult.Ok(token.Id);
    }
}
