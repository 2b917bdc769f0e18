using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Dashboard;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Dashboard;

/// <summary>The counts are grouped and filtered in SQL: each test runs on SQLite and PostgreSQL.</summary>
public sealed class GetDashboardTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _clock = new(TestClock.Start);
    private TestDatabase _db = default!;

    public static TheoryData<string> Providers => TestDatabase.Providers;

    public ValueTask DisposeAsync() => _db?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Theory, MemberData(nameof(Providers))]
    public async Task NewInstall_HasNoServers_AndEveryCountIsZero(string provider)
    {
        _db = await TestDatabase.CreateMigratedAsync(provider);
        var s = await RunAsync(includeAudit: true);

        s.HasNoServers.ShouldBeTrue();
        s.Rras.ShouldBe(new GetDashboard.ServerStats(0, 0, 0));
        s.Nps.ShouldBe(new GetDashboard.ServerStats(0, 0, 0));
        (s.Certificates, s.CertificatesExpired, s.CertificatesExpiring).ShouldBe((0, 0, 0));
        s.ExpiringSoonest.ShouldBeEmpty();
        s.RecentAudit.ShouldNotBeNull().ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Servers_AreSplitIntoReportingWithinFiveMinutes_EnteredByHand_AndSilent(string provider)
    {
        _db = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(f =>
        {
            f.Rras("VPN01", Now.AddMinutes(-1), agent: true);
            f.Rras("VPN02", Now.AddMinutes(-4.9), agent: true);
            f.Rras("VPN03", Now.AddMinutes(-6), agent: true);
            f.Rras("VPN04", agent: true);
            f.Rras("VPN05");
            f.Nps("NPS01", Now.AddSeconds(-30)).RadiusTimeoutSeconds = 30;
            f.Nps("NPS02").RadiusTimeoutSeconds = 60;
        });

        var s = await RunAsync(includeAudit: false);

        s.HasNoServers.ShouldBeFalse();
        s.Rras.ShouldBe(new GetDashboard.ServerStats(Total: 5, Reporting: 2, EnteredByHand: 1));
        s.Rras.Silent.ShouldBe(2);
        s.Nps.Total.ShouldBe(2);
        s.Nps.Reporting.ShouldBe(1);
        s.NpsWithShortTimeout.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Certificates_CountExpiredAndExpiring_AndListTheSoonestStillValidFirst(string provider)
    {
        _db = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(f =>
        {
            var vpn = f.Rras("VPN01");
            var vpn2 = f.Rras("VPN02");
            f.Cert("CN=expired", -1);
            f.Cert("CN=in-40-days", 40);
            var sstp = f.Cert("CN=vpn.corp.example", 12);
            f.InStore(sstp, vpn, CertificateStoreName.My, privateKey: true);
            f.InStore(sstp, vpn2, CertificateStoreName.My, privateKey: true);
            f.Cert("CN=in-3-days", 3);
            for (var i = 0; i < 6; i++)
            {
                f.Cert($"CN=later-{i}", 100 + i);
            }
        });

        var s = await RunAsync(includeAudit: false);

        (s.Certificates, s.CertificatesExpired, s.CertificatesExpiring).ShouldBe((10, 1, 2));
        s.ExpiringSoonest.Select(c => c.Subject).ShouldBe(["CN=in-3-days", "CN=vpn.corp.example", "CN=in-40-days", "CN=later-0", "CN=later-1", "CN=later-2"]);
        s.ExpiringSoonest[1].ServerCount.ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Audit_IsReadOnlyWhenAskedFor_NewestEightFirst(string provider)
    {
        _db = await TestDatabase.CreateMigratedAsync(provider);
        await using (var ctx = _db.CreateContext(time: _clock))
        {
            for (var i = 1; i <= 10; i++)
            {
                ctx.Audit("test.done", $"Change {i}");
                await ctx.SaveChangesAsync(Ct);
                _clock.Advance(TimeSpan.FromMinutes(1));
            }
        }

        (await RunAsync(includeAudit: false)).RecentAudit.ShouldBeNull();
        var audit = (await RunAsync(includeAudit: true)).RecentAudit.ShouldNotBeNull();
        audit.Select(a => a.Summary).ShouldBe(["Change 10", "Change 9", "Change 8", "Change 7", "Change 6", "Change 5", "Change 4", "Change 3"]);
    }

    private async Task SeedAsync(Action<FleetBuilder> build)
    {
        await using var ctx = _db.CreateContext();
        var fleet = new FleetBuilder(ctx, Now);
        build(fleet);
        await fleet.SaveAsync(Ct);
    }

    private async Task<GetDashboard.Summary> RunAsync(bool includeAudit)
    {
        await using var ctx = _db.CreateContext();
        return await new GetDashboard(ctx, _clock).RunAsync(new(includeAudit), Ct);
    }
}
