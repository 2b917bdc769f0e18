using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Alerts;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Alerts.AlertLifecycleTests;

namespace VpnPortal.Web.Tests.Alerts;

/// <summary>Repeats, escalation, acknowledgement and silences, scanned every 15 minutes on a fake clock (hourly over days).</summary>
public sealed class AlertEscalationTests(SharedPortals shared) : IClassFixture<SharedPortals>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly AuditActor Ana = new(AuditActorKind.User, Guid.NewGuid(), "ana@corp.example");

    private static async Task<(PortalServices Portal, Certificate Cert, RrasServer Server)> SeedAsync(PortalServices portal, FakeTimeProvider time) =>
        await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var r = await AlertsSeed.RrasAsync(db, "RRAS-01");
            var c = await AlertsSeed.CertificateAsync(db, "vpn.corp.example", time.GetUtcNow().AddDays(10), CertificateStoreName.My, time.GetUtcNow(), r);
            await AlertsSeed.UseForSstpAsync(db, c, r);
            return (portal, c, r);
        });

    /// <summary>Scans every 15 minutes until <paramref name="until"/> after now.</summary>
    private static async Task RunForAsync(PortalServices portal, FakeTimeProvider time, TimeSpan until, TimeSpan? every = null)
    {
        var end = time.GetUtcNow() + until;
        while (time.GetUtcNow() < end)
        {
            time.Advance(every ?? TimeSpan.FromMinutes(15));
            await ScanAsync(portal);
        }
    }

    [Fact]
    public async Task Unacknowledged_EscalatesToNextAt30Min_ToEveryoneAt60_RepeatsEvery4HoursAfter()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var (portal, _, _) = await StartServicesAsync(TestDatabase.Sqlite, time);
        await using var _p = portal;
        var (_, cert, _) = await SeedAsync(portal, time);

        await ScanAsync(portal);
        await RunForAsync(portal, time, TimeSpan.FromHours(9));

        var id = (await AlertAsync(portal, cert.Sha1Thumbprint)).Id;
        string K(string suffix, Guid who) => $"alert:{id}:{suffix}|{who}";
        (await CommittedAsync(portal)).ShouldBe(
        [
            K("threshold:14", Primary),
            K("escalation:14:1", Next),
            K("escalation:14:2", Primary), K("escalation:14:2", Next), K("escalation:14:2", Third),
            K("repeat:1", Primary), K("repeat:1", Next), K("repeat:1", Third), // 1 h + 4 h
            K("repeat:2", Primary), K("repeat:2", Next), K("repeat:2", Third), // 1 h + 8 h
        ]);
    }

    [Fact]
    public async Task Acknowledged_StopsRepeatsAndEscalation_UntilTheNextStep()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var (portal, _, _) = await StartServicesAsync(TestDatabase.Sqlite, time);
        await using var _p = portal;
        var (_, cert, _) = await SeedAsync(portal, time);
        await ScanAsync(portal);
        var alert = await AlertAsync(portal, cert.Sha1Thumbprint);

        time.Advance(TimeSpan.FromMinutes(10));
        var result = await portal.InScopeAsync(sp => sp.GetRequiredService<AcknowledgeAlert>().RunAsync(alert.Id, "renewing it today", Ana, Ct));
        result.Succeeded.ShouldBeTrue();
        // Hourly over days: every step of the policy (30 and 60 minutes, then every 4 hours) still falls due between two scans.
        await RunForAsync(portal, time, TimeSpan.FromDays(2), every: TimeSpan.FromHours(1));

        (await CommittedAsync(portal)).ShouldBe([$"alert:{alert.Id}:threshold:14|{Primary}"]);
        alert = await AlertAsync(portal, cert.Sha1Thumbprint);
        alert.State.ShouldBe(AlertState.Acknowledged);
        alert.AcknowledgedBy.ShouldBe("ana@corp.example");
        alert.AcknowledgementNote.ShouldBe("renewing it today");

        // 7 days before expiry: the step notifies and fires the alert again.
        await RunForAsync(portal, time, TimeSpan.FromDays(1.1), every: TimeSpan.FromHours(1));
        (await CommittedAsync(portal)).ShouldContain($"alert:{alert.Id}:threshold:7|{Primary}");
        (await AlertAsync(portal, cert.Sha1Thumbprint)).State.ShouldBe(AlertState.Firing);
    }

    [Fact]
    public async Task SilencedCertificate_StaysVisibleAndNotifiesNobody_UntilTheSilenceEnds()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var (portal, _, _) = await StartServicesAsync(TestDatabase.Sqlite, time);
        await using var _p = portal;
        var (_, cert, _) = await SeedAsync(portal, time);
        var created = await portal.InScopeAsync(sp => sp.GetRequiredService<Silences>().CreateAsync(
            new Silences.Request(SilenceScope.Certificate, cert.Sha1Thumbprint.ToLowerInvariant(), null, TimeSpan.FromHours(2), "renewal booked for 11:00"), Ana, Ct), Ana);
        created.Succeeded.ShouldBeTrue();

        await ScanAsync(portal);
        await RunForAsync(portal, time, TimeSpan.FromHours(1.75));
        (await CommittedAsync(portal)).ShouldBeEmpty();
        (await AlertAsync(portal, cert.Sha1Thumbprint)).State.ShouldBe(AlertState.Firing);

        await RunForAsync(portal, time, TimeSpan.FromMinutes(15));
        var alert = await AlertAsync(portal, cert.Sha1Thumbprint);
        (await CommittedAsync(portal)).ShouldBe([$"alert:{alert.Id}:threshold:14|{Primary}"]);
        (await portal.InScopeAsync(sp => Task.FromResult(sp.GetRequiredService<PortalDbContext>().AuditEntries.Count(a => a.Action == "alert-silence.created")))).ShouldBe(1);
    }

    [Fact]
    public async Task SilencedServer_HoldsAlertsOnlyOnThatServer()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var (portal, _, _) = await StartServicesAsync(TestDatabase.Sqlite, time);
        await using var _p = portal;
        var (_, cert, server) = await SeedAsync(portal, time);
        var other = await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var r = await AlertsSeed.RrasAsync(db, "RRAS-02");
            return await AlertsSeed.CertificateAsync(db, "vpn2.corp.example", time.GetUtcNow().AddDays(10), CertificateStoreName.My, time.GetUtcNow(), r);
        });
        (await portal.InScopeAsync(sp => sp.GetRequiredService<Silences>().CreateAsync(
            new Silences.Request(SilenceScope.Server, null, server.Id, TimeSpan.FromDays(1), "server being rebuilt"), Ana, Ct), Ana)).Succeeded.ShouldBeTrue();

        (await ScanAsync(portal)).Opened.ShouldBe(2);

        var sent = await CommittedAsync(portal);
        sent.ShouldHaveSingleItem().ShouldStartWith($"alert:{(await AlertAsync(portal, other.Sha1Thumbprint)).Id}:threshold:14");
        (await AlertAsync(portal, cert.Sha1Thumbprint)).State.ShouldBe(AlertState.Firing, "silenced, yet visible");
    }

    [Theory]
    [InlineData(SilenceScope.Certificate, "nothex", 2.0, "why", "sha1Thumbprint")]
    [InlineData(SilenceScope.Certificate, "0123456789ABCDEF0123456789ABCDEF01234567", 2.0, " ", "reason")]
    [InlineData(SilenceScope.Certificate, "0123456789ABCDEF0123456789ABCDEF01234567", 24 * 31.0, "why", "duration")]
    [InlineData(SilenceScope.Server, null, 2.0, "why", "serverId")]
    public async Task BadSilence_IsRefusedWithTheReason_AndWritesNothing(SilenceScope scope, string? sha1, double hours, string reason, string field)
    {
        var portal = await shared.ForTheoryAsync(async s =>
        {
            var (portal, _, _) = await StartServicesAsync(TestDatabase.Sqlite, new FakeTimeProvider(TestClock.Start));
            return s.Own(portal);
        });
        var before = await portal.CountRowsWhenSettledAsync();

        var result = await portal.InScopeAsync(sp => sp.GetRequiredService<Silences>().CreateAsync(
            new Silences.Request(scope, sha1, scope == SilenceScope.Server ? Guid.NewGuid() : null, TimeSpan.FromHours(hours), reason), Ana, Ct), Ana);

        result.Status.ShouldBe(VpnPortal.Web.Features.CommandStatus.Invalid);
        result.Errors.Keys.ShouldContain(field);
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused silence writes nothing");
    }
}
