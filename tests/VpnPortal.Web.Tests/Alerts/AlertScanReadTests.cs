using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Alerts;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Alerts;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Alerts;

/// <summary>
/// What a scan reads and writes: only certificates near expiry and those sharing a name with them (found through the
/// name index), and only the alerts it changes.
/// </summary>
public sealed class AlertScanReadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ASuccessorFarFromExpiry_IsFoundByName_InAnyCase_AndUnrelatedCertificatesAreNotRead(string provider)
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var (portal, _, _) = await AlertLifecycleTests.StartServicesAsync(provider, time);
        await using var _p = portal;
        var now = time.GetUtcNow();
        var (rras, old) = await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var r = await AlertsSeed.RrasAsync(db, "RRAS-01");
            var o = await AlertsSeed.CertificateAsync(db, "vpn.corp.example", now.AddDays(5), CertificateStoreName.My, now, r);
            await AlertsSeed.CertificateAsync(db, "intranet.corp.example", now.AddDays(300), CertificateStoreName.My, now, r);
            return (r, o);
        });

        var first = await AlertLifecycleTests.ScanAsync(portal);
        first.Opened.ShouldBe(1);
        first.Watched.ShouldBe(1, "a certificate 300 days from expiry that shares no name is not read");

        // The renewal arrives after the first scan, with its name in other letters: it is indexed by the next scan.
        var renewal = await portal.InScopeAsync(sp => AlertsSeed.CertificateAsync(sp.GetRequiredService<PortalDbContext>(), "VPN.Corp.Example", now.AddDays(730), CertificateStoreName.My, now, rras));
        time.Advance(TimeSpan.FromMinutes(15));
        var second = await AlertLifecycleTests.ScanAsync(portal);

        second.Watched.ShouldBe(2);
        second.Resolved.ShouldBe(1);
        var alert = await AlertLifecycleTests.AlertAsync(portal, old.Sha1Thumbprint);
        alert.ResolutionReason.ShouldBe((int)AlertResolutionReason.Replaced);
        alert.ResolutionDetail.ShouldNotBeNull().ShouldContain(renewal.Sha1Thumbprint);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AScanThatFindsNothingNew_LeavesOpenAlertsAsTheyWere(string provider)
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var (portal, _, _) = await AlertLifecycleTests.StartServicesAsync(provider, time);
        await using var _p = portal;
        var now = time.GetUtcNow();
        var certificate = await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var r = await AlertsSeed.RrasAsync(db, "RRAS-01");
            return await AlertsSeed.CertificateAsync(db, "vpn.corp.example", now.AddDays(20), CertificateStoreName.My, now, r);
        });
        await AlertLifecycleTests.ScanAsync(portal);
        var opened = await AlertLifecycleTests.AlertAsync(portal, certificate.Sha1Thumbprint);

        time.Advance(TimeSpan.FromMinutes(15));
        await AlertLifecycleTests.ScanAsync(portal);
        var after = await AlertLifecycleTests.AlertAsync(portal, certificate.Sha1Thumbprint);

        after.Version.ShouldBe(opened.Version, "an unchanged alert is not written, so an acknowledgement racing a scan does not conflict");
        after.LastEvaluatedAt.ShouldBe(opened.LastEvaluatedAt, TimeSpan.FromMilliseconds(1));
        after.Events.Count.ShouldBe(opened.Events.Count);

        // The next threshold does change it.
        time.Advance(TimeSpan.FromDays(7));
        await AlertLifecycleTests.ScanAsync(portal);
        var stepped = await AlertLifecycleTests.AlertAsync(portal, certificate.Sha1Thumbprint);
        stepped.StepDays.ShouldBe(14);
        stepped.Version.ShouldNotBe(opened.Version);
        stepped.LastEvaluatedAt.ShouldBe(time.GetUtcNow(), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task TheNameIndex_IsWrittenWithTheCertificate_AndRowsFromBeforeItAreIndexedOnce()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var (portal, _, _) = await AlertLifecycleTests.StartServicesAsync(TestDatabase.Sqlite, time);
        await using var _p = portal;
        var now = time.GetUtcNow();
        var (named, nameless, written) = await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var r = await AlertsSeed.RrasAsync(db, "RRAS-01");
            var n = await AlertsSeed.CertificateAsync(db, "Portal.Corp.Example", now.AddDays(90), CertificateStoreName.My, now, r);
            var c = new Certificate { Id = Guid.NewGuid(), Sha1Thumbprint = AlertsSeed.Thumbprint(), Sha256Thumbprint = new string('0', 64), Subject = "OU=Devices, O=Corp", SubjectAlternativeNames = ["IP:10.0.0.1"] };
            db.Certificates.Add(c);
            await db.SaveChangesAsync(Ct);
            return (n, c, await db.CertificateNames.AsNoTracking().ToListAsync(Ct));
        });

        written.Where(r => r.CertificateId == named.Id).Select(r => r.Name).ShouldBe(["PORTAL.CORP.EXAMPLE"]);
        written.Where(r => r.CertificateId == nameless.Id).Select(r => r.Name).ShouldBe([""], "no name, and an IP address is not one");

        // As before the index existed: the scan's pass indexes both, once.
        var (first, second, rows) = await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            await db.CertificateNames.ExecuteDeleteAsync(Ct);
            var f = await WatchedCertificates.IndexNamesAsync(db, Ct);
            var s = await WatchedCertificates.IndexNamesAsync(db, Ct);
            return (f, s, await db.CertificateNames.AsNoTracking().ToListAsync(Ct));
        });

        first.ShouldBe(2);
        second.ShouldBe(0, "an indexed certificate is not indexed again");
        rows.Select(r => (r.CertificateId, r.Name)).Order().ShouldBe(written.Select(r => (r.CertificateId, r.Name)).Order());
    }

    [Fact]
    public async Task TheScan_IndexesNamesFromBeforeTheIndexOnce_ThenLeavesThemToTheSaveThatWritesEachCertificate()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var (portal, _, _) = await AlertLifecycleTests.StartServicesAsync(TestDatabase.Sqlite, time);
        await using var _p = portal;
        var now = time.GetUtcNow();
        await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var r = await AlertsSeed.RrasAsync(db, "RRAS-01");
            await AlertsSeed.CertificateAsync(db, "vpn.corp.example", now.AddDays(5), CertificateStoreName.My, now, r);
            return await db.CertificateNames.ExecuteDeleteAsync(Ct); // as before the index existed
        });

        (await AlertLifecycleTests.ScanAsync(portal)).Opened.ShouldBe(1);
        (await NamesAsync(portal)).ShouldBe(["VPN.CORP.EXAMPLE"], "the first scan of this process catches the index up");

        await portal.InScopeAsync(sp => sp.GetRequiredService<PortalDbContext>().CertificateNames.ExecuteDeleteAsync(Ct));
        time.Advance(TimeSpan.FromMinutes(15));
        await AlertLifecycleTests.ScanAsync(portal);

        (await NamesAsync(portal)).ShouldBeEmpty("later scans do not read every certificate to look again");
    }

    private static Task<List<string>> NamesAsync(IPortalScope portal) =>
        portal.InScopeAsync(sp => sp.GetRequiredService<PortalDbContext>().CertificateNames.Select(n => n.Name).ToListAsync(Ct));
}
