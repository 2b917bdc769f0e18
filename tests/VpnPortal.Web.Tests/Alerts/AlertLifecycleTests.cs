using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Alerts;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Alerts;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Alerts;

/// <summary>A certificate walked through every threshold on a fake clock: exactly one message per step, then resolution.</summary>
public sealed class AlertLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static readonly Guid Primary = Guid.NewGuid();
    internal static readonly Guid Next = Guid.NewGuid();
    internal static readonly Guid Third = Guid.NewGuid();

    internal static readonly Dictionary<string, string> NoBackgroundJobs = new() { ["Jobs:Enabled"] = "false" };

    /// <summary>The whole portal, for tests that go through its pages or API.</summary>
    internal static async Task<(PortalFactory Portal, RecordingOutbox Outbox, FixedRoster Roster)> StartAsync(
        string provider, FakeTimeProvider time, Dictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var (all, register, outbox, roster) = Arrange(settings, services);
        return (await PortalFactory.StartAsync(provider, time, all, register), outbox, roster);
    }

    /// <summary>The portal's services without the web host, for tests that run the scan and read the database.</summary>
    internal static async Task<(PortalServices Portal, RecordingOutbox Outbox, FixedRoster Roster)> StartServicesAsync(
        string provider, FakeTimeProvider time, Dictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var (all, register, outbox, roster) = Arrange(settings, services);
        return (await PortalServices.StartAsync(provider, time, all, register), outbox, roster);
    }

    private static (Dictionary<string, string> Settings, Action<IServiceCollection> Register, RecordingOutbox Outbox, FixedRoster Roster) Arrange(
        Dictionary<string, string>? settings, Action<IServiceCollection>? services)
    {
        var outbox = new RecordingOutbox();
        var roster = new FixedRoster(new OnCallNow(Primary, Next, [Primary, Next, Third]));
        var all = new Dictionary<string, string>(NoBackgroundJobs);
        foreach (var (k, v) in settings ?? [])
        {
            all[k] = v;
        }

        var doubles = AlertDoubles.Register(outbox, roster);
        return (all, s =>
        {
            doubles(s);
            services?.Invoke(s);
        }, outbox, roster);
    }

    internal static Task<ScanAlerts.Outcome> ScanAsync(IPortalScope portal) =>
        portal.InScopeAsync(sp => sp.GetRequiredService<ScanAlerts>().RunAsync(Ct), AuditActor.System);

    internal static Task<IReadOnlyList<string>> CommittedAsync(IPortalScope portal) =>
        portal.InScopeAsync(sp => RecordingOutbox.CommittedAsync(sp.GetRequiredService<PortalDbContext>()));

    internal static Task<Alert> AlertAsync(IPortalScope portal, string sha1) =>
        portal.InScopeAsync(sp => sp.GetRequiredService<PortalDbContext>().Alerts.AsNoTracking().Include(a => a.Events).SingleAsync(a => a.Sha1Thumbprint == sha1, Ct));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ACertificateWalksEveryThresholdToExpiry_ThenIsReplaced_OneMessagePerStepAndResolved(string provider)
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var (portal, outbox, _) = await StartServicesAsync(provider, time);
        await using var _p = portal;
        var notAfter = time.GetUtcNow().AddDays(40);
        var (rras1, rras2, old) = await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var r1 = await AlertsSeed.RrasAsync(db, "RRAS-01");
            var r2 = await AlertsSeed.RrasAsync(db, "RRAS-02");
            var c = await AlertsSeed.CertificateAsync(db, "vpn.corp.example", notAfter, CertificateStoreName.My, time.GetUtcNow(), r1, r2);
            await AlertsSeed.UseForSstpAsync(db, c, r1, r2);
            return (r1, r2, c);
        });

        (await ScanAsync(portal)).Opened.ShouldBe(0, "40 days before expiry nothing alerts");
        var expected = new List<string>();
        foreach (var step in new[] { 30, 14, 7, 3, 1 })
        {
            time.SetUtcNow(notAfter.AddDays(-step));
            await ScanAsync(portal);
            await ScanAsync(portal); // the same instant again: nothing new
            time.Advance(TimeSpan.FromMinutes(1));
            await ScanAsync(portal);
            expected.Add($"alert:{{id}}:threshold:{step}|{Primary}");
        }

        time.SetUtcNow(notAfter.AddSeconds(1));
        await ScanAsync(portal);
        await ScanAsync(portal);
        expected.Add($"alert:{{id}}:threshold:expired|{Primary}");

        var alert = await AlertAsync(portal, old.Sha1Thumbprint);
        (await CommittedAsync(portal)).ShouldBe(expected.Select(e => e.Replace("{id}", alert.Id.ToString())).ToList());
        outbox.Calls.Count.ShouldBe(expected.Count, "nothing was enqueued twice, not even in a rolled-back scan");
        alert.Severity.ShouldBe((int)AlertSeverity.Expired);
        alert.State.ShouldBe(AlertState.Firing);
        alert.InstalledOn.Select(i => (i.ServerName, i.Store)).ShouldBe([("RRAS-01", "My"), ("RRAS-02", "My")]);
        alert.Purposes.ShouldBe(["Sstp"]);
        var content = outbox.Calls.Last().Content;
        content.ExpiresAt.ShouldBe(notAfter);
        content.InstalledOn.ShouldBe(["RRAS-01 · My (SSTP server certificate)", "RRAS-02 · My (SSTP server certificate)"]);
        content.Links.Select(l => l.Path).ShouldContain($"/certificates/{old.Id}");
        content.Links.Select(l => l.Path).ShouldContain($"/rotations/new?server={rras1.Id}");
        content.Subject.ShouldContain("vpn.corp.example");
        content.Summary.ShouldContain(old.Sha1Thumbprint);

        // A rollout puts the renewed certificate on both servers and RRAS uses it; the old one leaves one server's store.
        time.Advance(TimeSpan.FromMinutes(1));
        var renewed = await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var c = await AlertsSeed.CertificateAsync(db, "vpn.corp.example", notAfter.AddYears(1), CertificateStoreName.My, time.GetUtcNow(), rras1, rras2);
            await AlertsSeed.UseForSstpAsync(db, c, rras1, rras2);
            await AlertsSeed.RemoveAsync(db, old, rras1);
            return c;
        });
        var outcome = await ScanAsync(portal);

        outcome.Resolved.ShouldBe(1);
        alert = await AlertAsync(portal, old.Sha1Thumbprint);
        alert.State.ShouldBe(AlertState.Resolved);
        alert.ResolutionReason.ShouldBe((int)AlertResolutionReason.Replaced);
        alert.ResolutionDetail!.ShouldContain(renewed.Sha1Thumbprint);
        alert.Events.Select(e => e.Kind).ShouldContain("resolved");
        time.Advance(TimeSpan.FromHours(5));
        (await ScanAsync(portal)).Opened.ShouldBe(0, "the old certificate still in one store is replaced there: no new alert");
        (await CommittedAsync(portal)).Count.ShouldBe(expected.Count);
    }

    [Fact]
    public async Task ACertificateRemovedEverywhereWithoutSuccessor_ResolvesAsNoLongerInstalled()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var (portal, _, _) = await StartServicesAsync(TestDatabase.Sqlite, time);
        await using var _p = portal;
        var (nps, cert) = await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var n = await AlertsSeed.NpsAsync(db, "NPS-01");
            return (n, await AlertsSeed.CertificateAsync(db, "nps.corp.example", time.GetUtcNow().AddDays(5), CertificateStoreName.My, time.GetUtcNow(), n));
        });
        (await ScanAsync(portal)).Opened.ShouldBe(1);
        (await AlertAsync(portal, cert.Sha1Thumbprint)).Purposes.ShouldBe(["NpsServer"]);

        await portal.InScopeAsync(sp => AlertsSeed.RemoveAsync(sp.GetRequiredService<PortalDbContext>(), cert, nps));
        (await ScanAsync(portal)).Resolved.ShouldBe(1);

        var alert = await AlertAsync(portal, cert.Sha1Thumbprint);
        alert.ResolutionReason.ShouldBe((int)AlertResolutionReason.NoLongerInstalled);
        alert.InstalledOn.ShouldHaveSingleItem().ServerName.ShouldBe("NPS-01", "where it was is kept");
    }

    [Fact]
    public async Task UntrustedCertificates_AreNotWatched()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var (portal, _, _) = await StartServicesAsync(TestDatabase.Sqlite, time);
        await using var _p = portal;
        await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var r = await AlertsSeed.RrasAsync(db, "RRAS-01");
            await AlertsSeed.CertificateAsync(db, "lost-laptop.corp.example", time.GetUtcNow().AddDays(-3), CertificateStoreName.Disallowed, time.GetUtcNow(), r);
        });

        var outcome = await ScanAsync(portal);

        outcome.Watched.ShouldBe(0);
        outcome.Opened.ShouldBe(0);
    }
}
