using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Data;
using VpnPortal.Domain.Agents;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Rotations;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Rotations;

/// <summary>The servers the new-rollout page offers: the filter and the open-rollout check run in SQL on each provider.</summary>
public sealed class ListRotationServersTests
{
    private static readonly FakeTimeProvider Clock = new(TestClock.Start);
    private static readonly DateTimeOffset Now = Clock.GetUtcNow();
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(30);
    private const string CurrentSha1 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task OnlyRrasServersWithAnEnrolledAgent_ByName_WithTheirCurrentCertificateOffloadPresenceAndOpenRollout(string provider)
    {
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await using (var seed = db.CreateContext())
        {
            seed.Certificates.Add(new Certificate
            {
                Id = Guid.NewGuid(),
                Sha1Thumbprint = CurrentSha1,
                Sha256Thumbprint = new string('B', 64),
                Subject = "CN=vpn.corp.example",
                Issuer = "CN=Corp CA",
                SerialNumber = "01",
                NotBefore = Now.AddDays(-300),
                NotAfter = Now.AddDays(20),
                FirstSeenAt = Now,
            });
            var vpn02 = Rras(seed, "VPN02", lastSeen: Now.AddSeconds(-5), current: CurrentSha1.ToLowerInvariant());
            var vpn01 = Rras(seed, "vpn01", lastSeen: Now.AddMinutes(-30), useHttps: false);
            Rras(seed, "VPN03", lastSeen: Now, revoked: true);
            seed.RrasServers.Add(new RrasServer { Id = Guid.NewGuid(), Name = "VPN04" }); // entered by hand: no agent
            seed.NpsServers.Add(new NpsServer { Id = Guid.NewGuid(), Name = "NPS01" });
            await seed.SaveChangesAsync(Ct);

            // A server and its agent point at each other: the server's side is set once both rows exist.
            foreach (var agent in seed.Agents.Local)
            {
                seed.RrasServers.Local.Single(s => s.Id == agent.ServerId).AgentId = agent.Id;
            }

            Rotation(seed, RotationStatus.Stopped, vpn02);
            Rotation(seed, RotationStatus.Completed, vpn01);
            await seed.SaveChangesAsync(Ct);
        }

        await using var read = db.CreateContext();
        var servers = await new ListRotationServers(read, Clock, Options.Create(new AgentOptions { ReportIntervalSeconds = (int)ReportInterval.TotalSeconds })).RunAsync(Ct);

        servers.Select(s => s.Name).ShouldBe(["vpn01", "VPN02"]);
        var (one, two) = (servers[0], servers[1]);
        (one.TlsOffload, one.CurrentSha1, one.CurrentSubject, one.Presence, one.InOpenRollout).ShouldBe((true, null, null, AgentPresenceState.Offline, false));
        (two.TlsOffload, two.CurrentSha1, two.CurrentSubject, two.CurrentNotAfter, two.Presence, two.InOpenRollout)
            .ShouldBe((false, CurrentSha1, "CN=vpn.corp.example", Now.AddDays(20), AgentPresenceState.Online, true));
        two.PublicFqdns.ShouldBe(["vpn.corp.example"]);
    }

    private static Guid Rras(PortalDbContext db, string name, DateTimeOffset lastSeen, string? current = null, bool useHttps = true, bool revoked = false)
    {
        var server = new RrasServer { Id = Guid.NewGuid(), Name = name, PublicFqdns = ["vpn.corp.example"] };
        server.Sstp.ConfiguredCertificateSha1 = current;
        server.Sstp.UseHttps = useHttps;
        var agent = new Data.Entities.Agent
        {
            Id = Guid.NewGuid(),
            ServerId = server.Id,
            Role = ServerRole.Rras,
            MachineName = name,
            CredentialHash = RandomNumberGenerator.GetBytes(32),
            EnrolledAt = Now.AddDays(-1),
            LastSeenAt = lastSeen,
            RevokedAt = revoked ? Now : null,
        };
        db.RrasServers.Add(server);
        db.Agents.Add(agent);
        return server.Id;
    }

    private static void Rotation(PortalDbContext db, RotationStatus status, Guid serverId)
    {
        var rotation = new SstpRotation
        {
            Id = Guid.NewGuid(),
            Status = status,
            Sha1Thumbprint = new string('C', 40),
            Sha256Thumbprint = new string('D', 64),
            Subject = "CN=vpn.corp.example",
            NotAfter = Now.AddDays(365),
            RequestedBy = "admin@corp.example",
            CreatedAt = Now,
        };
        rotation.Servers.Add(new SstpRotationServer { Id = Guid.NewGuid(), RotationId = rotation.Id, ServerId = serverId, Order = 1 });
        db.SstpRotations.Add(rotation);
    }
}
