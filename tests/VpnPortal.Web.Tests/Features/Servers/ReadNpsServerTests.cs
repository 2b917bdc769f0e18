using Microsoft.Extensions.Options;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Servers;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Servers;

public sealed class ReadNpsServerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private TestDatabase _db = default!;

    public async ValueTask InitializeAsync() => _db = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => TestDatabase.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task ListServers_ForNps_ShowsTimeoutAndMfaExtension_AndNoRrasServers(string provider)
    {
        // The NPS columns come from a type test in the projection: checked on both providers.
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await using (var ctx = db.CreateContext())
        {
            ctx.NpsServers.Add(new NpsServer { Id = Guid.NewGuid(), Name = "NPS02", RadiusTimeoutSeconds = 30, MfaExtension = MfaExtensionState.Installed });
            ctx.NpsServers.Add(new NpsServer { Id = Guid.NewGuid(), Name = "NPS01", RadiusTimeoutSeconds = 60 });
            ctx.RrasServers.Add(new RrasServer { Id = Guid.NewGuid(), Name = "VPN01" });
            await ctx.SaveChangesAsync(Ct);
        }

        await using var read = db.CreateContext();
        var page = await new ListServers(read, TimeProvider.System, Options.Create(new AgentOptions())).RunAsync(new(ServerRole.Nps), Ct);

        page.Total.ShouldBe(2);
        page.Items.Select(r => (r.Name, r.RadiusTimeoutSeconds, r.MfaExtension)).ShouldBe(
            [("NPS01", 60, MfaExtensionState.Unknown), ("NPS02", 30, MfaExtensionState.Installed)]);
        var rras = await new ListServers(read, TimeProvider.System, Options.Create(new AgentOptions())).RunAsync(new(ServerRole.Rras), Ct);
        rras.Items.Single().RadiusTimeoutSeconds.ShouldBeNull();
    }

    [Fact]
    public async Task GetServer_ForNps_ListsTheRrasServersThatReportItAsRadiusServer_AndCertificatesByStore()
    {
        var nps = new NpsServer { Id = Guid.NewGuid(), Name = "NPS01", HostFqdn = "nps01.corp.example" };
        var vpn1 = new RrasServer { Id = Guid.NewGuid(), Name = "VPN01" };
        var vpn2 = new RrasServer { Id = Guid.NewGuid(), Name = "VPN02" };
        await using (var ctx = _db.CreateContext())
        {
            ctx.AddRange(nps, vpn1, vpn2);
            ctx.RadiusServerSettings.AddRange(
                new RadiusServerSetting { Id = Guid.NewGuid(), RrasServerId = vpn2.Id, Address = "NPS01.corp.example", TimeoutSeconds = 30, LastSeenAt = Now },
                new RadiusServerSetting { Id = Guid.NewGuid(), RrasServerId = vpn1.Id, Address = "nps01", TimeoutSeconds = 60, LastSeenAt = Now },
                new RadiusServerSetting { Id = Guid.NewGuid(), RrasServerId = vpn1.Id, Address = "nps02.corp.example", TimeoutSeconds = 60, LastSeenAt = Now });
            var ca = Cert("CN=Corp Issuing CA", "11");
            var server = Cert("CN=nps01.corp.example", "22");
            ctx.Certificates.AddRange(ca, server);
            ctx.CertificateLocations.AddRange(
                new CertificateLocation { Id = Guid.NewGuid(), CertificateId = ca.Id, ServerId = nps.Id, Store = CertificateStoreName.NTAuth, FirstSeenAt = Now, LastSeenAt = Now },
                new CertificateLocation { Id = Guid.NewGuid(), CertificateId = server.Id, ServerId = nps.Id, Store = CertificateStoreName.My, HasPrivateKey = true, FirstSeenAt = Now, LastSeenAt = Now });
            await ctx.SaveChangesAsync(Ct);
        }

        await using var read = _db.CreateContext();
        var detail = (await new GetServer(read).RunAsync(nps.Id, Ct)).ShouldNotBeNull();

        detail.Server.ShouldBeOfType<NpsServer>();
        detail.RadiusClients.Select(c => (c.RrasServerName, c.TimeoutSeconds)).ShouldBe([("VPN01", 60), ("VPN02", 30)]);
        detail.Certificates.Select(c => (c.Store, c.Subject)).ShouldBe(
            [(CertificateStoreName.My, "CN=nps01.corp.example"), (CertificateStoreName.NTAuth, "CN=Corp Issuing CA")]);
        (await new GetServer(read).RunAsync(vpn1.Id, Ct)).ShouldNotBeNull().RadiusClients.ShouldBeEmpty();
    }

    private static Certificate Cert(string subject, string seed) => new()
    {
        Id = Guid.NewGuid(),
        Subject = subject,
        Issuer = "CN=Corp Root CA",
        Sha1Thumbprint = string.Concat(Enumerable.Repeat(seed, 20)),
        Sha256Thumbprint = string.Concat(Enumerable.Repeat(seed, 32)),
        SerialNumber = seed,
        NotBefore = Now.AddYears(-1),
        NotAfter = Now.AddYears(1),
        KeyAlgorithm = "RSA",
        KeySize = 2048,
        Source = CertificateSource.Reported,
        FirstSeenAt = Now,
    };
}
