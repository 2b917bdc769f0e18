using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Agents;

/// <summary>One-time tokens that let a server's agent enroll: create (the token is shown once), list, revoke.</summary>
public sealed class EnrollmentTokens(PortalDbContext db, TimeProvider time, IOptions<AgentOptions> options, FleetEvents events)
{
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(7);

    public sealed record Created(string Token, TokenRow Row);

    public sealed record TokenRow(
        Guid Id, ServerRole Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt,
        Guid? UsedByAgentId, string? UsedByMachine, DateTimeOffset? RevokedAt)
    {
        public bool IsUsable(DateTimeOffset now) => UsedAt is null && RevokedAt is null && ExpiresAt > now;
    }

    /// <summary>Creates a token for <paramref name="role"/>; <paramref name="validFor"/> defaults to the configured lifetime.</summary>
    public async Task<(Created? Created, string? Error)> CreateAsync(ServerRole role, TimeSpan? validFor, Guid? createdByUserId, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(role))
        {
            return (null, "Choose RRAS or NPS: the token decides which kind of server enrolls with it.");
        }

        var lifetime = validFor ?? TimeSpan.FromMinutes(options.Value.EnrollmentTokenMinutes);
        if (lifetime < TimeSpan.FromMinutes(1) || lifetime > MaxValidity)
        {
            return (null, "A token must be valid for at least a minute and at most 7 days.");
        }

        var token = ApiKeySecrets.NewToken();
        var now = time.GetUtcNow();
        var entity = new AgentEnrollmentToken
        {
            Id = Guid.NewGuid(),
            Role = role,
            TokenHash = ApiKeySecrets.Hash(token),
            CreatedByUserId = createdByUserId,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.AgentEnrollmentTokens.Add(entity);
        await db.SaveChangesAsync(ct);
        events.Publish(new FleetChange(FleetChangeKind.AgentsChanged));
        return (new Created(token, new TokenRow(entity.Id, role, now, entity.ExpiresAt, null, null, null, null)), null);
    }

    /// <summary>Tokens newest first; used and expired ones stay listed for a week so admins see what happened to them.</summary>
    public async Task<List<TokenRow>> ListAsync(CancellationToken ct = default)
    {
        var since = time.GetUtcNow() - TimeSpan.FromDays(7);
        var rows = await db.AgentEnrollmentTokens.AsNoTracking()
            .Where(t => t.ExpiresAt > since || t.UsedAt > since)
            .Select(t => new TokenRow(
                t.Id, t.Role, t.CreatedAt, t.ExpiresAt, t.UsedAt, t.UsedByAgentId,
                db.Agents.Where(a => a.Id == t.UsedByAgentId).Select(a => a.MachineName).FirstOrDefault(),
                t.RevokedAt))
            .ToListAsync(ct);
        return rows.OrderByDescending(r => r.CreatedAt).ToList();
    }

    /// <summary>Revokes an unused token; null when done, otherwise why not.</summary>
    public async Task<string?> RevokeAsync(Guid id, Guid? revokedByUserId, CancellationToken ct = default)
    {
        var token = await db.AgentEnrollmentTokens.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (token is null)
        {
            return "That token does not exist.";
        }

        if (token.UsedAt is not null)
        {
            return "That token was already used; revoke the agent that enrolled with it instead.";
        }

        if (token.RevokedAt is not null)
        {
            return null;
        }

        token.RevokedAt = time.GetUtcNow();
        token.RevokedByUserId = revokedByUserId;
        await db.SaveChangesAsync(ct);
        events.Publish(new FleetChange(FleetChangeKind.AgentsChanged));
        return null;
    }
}
