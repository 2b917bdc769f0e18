using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Certificates;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Certificates;

public sealed class GetCertificateTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new FakeTimeProvider(TestClock.Start).GetUtcNow();
    private TestDatabase _db = default!;

    public async ValueTask InitializeAsync() => _db = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Detail_ListsWhereItIsInstalled_AndWhatTheFleetUsesItFor()
    {
        Certificate sstp;
        RrasServer vpn1, vpn2;
        NpsServer nps;
        await using (var ctx = _db.CreateContext())
        {
            var f = new FleetBuilder(ctx, Now);
            vpn1 = f.Rras("VPN01");
            vpn2 = f.Rras("VPN02");
            nps = f.Nps("NPS01");
            sstp = f.Cert("CN=vpn.corp.example", 90, sans: ["vpn.corp.example"]);
            f.InStore(sstp, vpn2, CertificateStoreName.My, privateKey: true);
            f.InStore(sstp, vpn1, CertificateStoreName.My, privateKey: true);
            f.InStore(sstp, nps, CertificateStoreName.Root);
            vpn1.Sstp.ConfiguredCertificateSha1 = sstp.Sha1Thumbprint;
            vpn2.TlsOffload = true;
            vpn2.LoadBalancerCertificateSha256 = sstp.Sha256Thumbprint;
            nps.MfaExtensionCertificateSha1 = sstp.Sha1Thumbprint;
            ctx.SstpBindings.AddRange(
                new SstpBinding { Id = Guid.NewGuid(), RrasServerId = vpn1.Id, IpPort = "[::]:443", CertificateHash = sstp.Sha1Thumbprint, LastSeenAt = Now },
                new SstpBinding { Id = Guid.NewGuid(), RrasServerId = vpn1.Id, IpPort = "0.0.0.0:443", CertificateHash = sstp.Sha1Thumbprint, LastSeenAt = Now });
            await ctx.SaveChangesAsync(Ct);
        }

        await using var read = _db.CreateContext();
        var detail = (await new GetCertificate(read).RunAsync(sstp.Id, Ct)).ShouldNotBeNull();

        detail.Certificate.Subject.ShouldBe("CN=vpn.corp.example");
        detail.Locations.Select(l => (l.ServerName, l.Role, l.Store, l.HasPrivateKey)).ShouldBe(
        [
            ("NPS01", ServerRole.Nps, CertificateStoreName.Root, false),
            ("VPN01", ServerRole.Rras, CertificateStoreName.My, true),
            ("VPN02", ServerRole.Rras, CertificateStoreName.My, true),
        ]);
        detail.Uses.Select(u => (u.ServerName, u.Purpose)).ShouldBe(
        [
            ("NPS01", "MFA NPS extension certificate"),
            ("VPN01", "Bound to the SSTP listener (0.0.0.0:443, [::]:443)"),
            ("VPN01", "Configured as the SSTP certificate in RRAS"),
            ("VPN02", "Entered as the load balancer's certificate (TLS offload)"),
        ]);
        detail.Untrusted.ShouldBeNull();
        detail.RrasServersWithoutIt.ShouldBeEmpty();
    }

    [Fact]
    public async Task Untrusted_SaysWhoAddedIt_AndWhichRrasServersLackItInDisallowed()
    {
        Certificate stolen;
        await using (var ctx = _db.CreateContext())
        {
            var admin = new PortalUser { Id = Guid.NewGuid(), UserName = "admin@corp.example", Email = "admin@corp.example", DisplayName = "Ada Admin" };
            ctx.Users.Add(admin);
            var f = new FleetBuilder(ctx, Now);
            var vpn1 = f.Rras("VPN01");
            f.Rras("VPN03");
            f.Rras("VPN02");
            var nps = f.Nps("NPS01");
            stolen = f.Cert("CN=lt-1001.corp.example", 200, ekus: [FleetBuilder.ClientAuth]);
            f.InStore(stolen, vpn1, CertificateStoreName.Disallowed);
            f.InStore(stolen, nps, CertificateStoreName.Disallowed);
            f.Untrust(stolen, admin.Id, "Laptop stolen (INC-1)");
            await ctx.SaveChangesAsync(Ct);
        }

        await using var read = _db.CreateContext();
        var detail = (await new GetCertificate(read).RunAsync(stolen.Id, Ct)).ShouldNotBeNull();

        detail.Untrusted.ShouldNotBeNull().ShouldSatisfyAllConditions(
            u => u.Reason.ShouldBe("Laptop stolen (INC-1)"),
            u => u.AddedBy.ShouldBe("Ada Admin"));
        detail.RrasServersWithoutIt.Select(s => s.Name).ShouldBe(["VPN02", "VPN03"]);
    }

    [Fact]
    public async Task UnknownId_IsNull()
    {
        await using var read = _db.CreateContext();
        (await new GetCertificate(read).RunAsync(Guid.NewGuid(), Ct)).ShouldBeNull();
    }
}
