using System.Security.Cryptography;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.ComponentTests.Support;

/// <summary>RRAS servers as pages find them: the server row, and (by default) its enrolled agent linked to it.</summary>
internal static class FleetSeed
{
    /// <summary>
    /// Adds an RRAS server named <paramref name="name"/> (public name vpn.corp.example) and, unless
    /// <paramref name="withAgent"/> is false, an agent enrolled a day ago, last seen at <paramref name="agentLastSeen"/>,
    /// revoked with <paramref name="revokedReason"/> when given. <paramref name="configure"/> sets reported state.
    /// </summary>
    public static async Task<(Guid ServerId, Guid? AgentId)> RrasServerAsync(
        PortalComponentContext ctx, string name, DateTimeOffset? agentLastSeen, CancellationToken ct,
        bool withAgent = true, string? revokedReason = null, Action<RrasServer>? configure = null)
    {
        await using var db = ctx.Db();
        var now = ctx.Time.GetUtcNow();
        var server = new RrasServer { Id = Guid.NewGuid(), Name = name, PublicFqdns = ["vpn.corp.example"] };
        configure?.Invoke(server);
        db.RrasServers.Add(server);
        await db.SaveChangesAsync(ct);
        if (!withAgent)
        {
            return (server.Id, null);
        }

        // The server and its agent point at each other: the agent is saved first, then the server's link to it.
        var agent = new Data.Entities.Agent
        {
            Id = Guid.NewGuid(),
            ServerId = server.Id,
            Role = ServerRole.Rras,
            MachineName = name,
            CredentialHash = RandomNumberGenerator.GetBytes(32),
            EnrolledAt = now.AddDays(-1),
            LastSeenAt = agentLastSeen,
            RevokedAt = revokedReason is null ? null : now.AddMinutes(-1),
            RevokedReason = revokedReason,
        };
        db.Agents.Add(agent);
        await db.SaveChangesAsync(ct);
        server.AgentId = agent.Id;
        await db.SaveChangesAsync(ct);
        return (server.Id, agent.Id);
    }
}
