using System.Security.Cryptography;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;

namespace VpnPortal.Web.ComponentTests.Features.Rotations;

/// <summary>RRAS servers with enrolled agents, as a rollout needs them.</summary>
internal static class RotationSeed
{
    public const string OldSha1 = "1111111111111111111111111111111111111111";

    public static async Task<Guid> ServerAsync(PortalComponentContext ctx, string name, string publicFqdn, CancellationToken ct)
    {
        await using var db = ctx.Db();
        var now = ctx.Time.GetUtcNow();
        var server = new RrasServer { Id = Guid.NewGuid(), Name = name, PublicFqdns = [publicFqdn], LastReportAt = now };
        server.Sstp.ConfiguredCertificateSha1 = OldSha1;
        server.Sstp.UseHttps = true;
        var agent = new Data.Entities.Agent
        {
            Id = Guid.NewGuid(),
            ServerId = server.Id,
            Role = ServerRole.Rras,
            MachineName = name,
            CredentialHash = RandomNumberGenerator.GetBytes(32),
            EnrolledAt = now.AddDays(-1),
            LastSeenAt = now,
        };
        db.RrasServers.Add(server);
        db.Agents.Add(agent);
        await db.SaveChangesAsync(ct);
        server.AgentId = agent.Id;
        await db.SaveChangesAsync(ct);
        return server.Id;
    }
}
