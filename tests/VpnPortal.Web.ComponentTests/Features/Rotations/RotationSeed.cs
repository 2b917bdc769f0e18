using VpnPortal.Web.ComponentTests.Support;

namespace VpnPortal.Web.ComponentTests.Features.Rotations;

/// <summary>RRAS servers with enrolled agents, as a rollout needs them.</summary>
internal static class RotationSeed
{
    public const string OldSha1 = "1111111111111111111111111111111111111111";

    public static async Task<Guid> ServerAsync(PortalComponentContext ctx, string name, string publicFqdn, CancellationToken ct)
    {
        var now = ctx.Time.GetUtcNow();
        var (serverId, _) = await FleetSeed.RrasServerAsync(ctx, name, now, ct, configure: server =>
        {
            server.PublicFqdns = [publicFqdn];
            server.LastReportAt = now;
            server.Sstp.ConfiguredCertificateSha1 = OldSha1;
            server.Sstp.UseHttps = true;
        });
        return serverId;
    }
}
