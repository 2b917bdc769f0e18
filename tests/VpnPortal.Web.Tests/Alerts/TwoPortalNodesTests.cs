using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Alerts;
using VpnPortal.Web.Features.Diagnostics;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Alerts.AlertLifecycleTests;

namespace VpnPortal.Web.Tests.Alerts;

/// <summary>Two portal nodes on one PostgreSQL database scanning at once: each alert and each notification exists once.</summary>
[Trait(TestCategories.Trait, TestCategories.Postgres)]
public sealed class TwoPortalNodesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<PortalFactory> NodeAsync(TestDatabase database, FakeTimeProvider? time, Dictionary<string, string> settings) =>
        PortalFactory.StartOnAsync(database, time, settings, AlertDoubles.Register(new RecordingOutbox(), new FixedRoster(new OnCallNow(Primary, Next, [Primary, Next, Third]))));

    private static async Task SeedAsync(PortalFactory portal, DateTimeOffset now, int count) =>
        await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var r = await AlertsSeed.RrasAsync(db, "RRAS-01");
            for (var i = 0; i < count; i++)
            {
                await AlertsSeed.CertificateAsync(db, $"vpn{i}.corp.example", now.AddDays(2 + i), CertificateStoreName.My, now, r);
            }
        });

    [Fact]
    public async Task TwoNodesScanningAtTheSameMoments_OpenEachAlertOnce_AndEnqueueEachNotificationOnce()
    {
        await using var database = await TestDatabase.CreateEmptyAsync(TestDatabase.Postgres);
        var time = new FakeTimeProvider(TestClock.Start);
        await using var a = await NodeAsync(database, time, NoBackgroundJobs);
        await using var b = await NodeAsync(database, time, NoBackgroundJobs);
        await SeedAsync(a, time.GetUtcNow(), 5);

        for (var round = 0; round < 12; round++)
        {
            await Task.WhenAll(ScanAsync(a), ScanAsync(b), ScanAsync(a), ScanAsync(b));
            time.Advance(TimeSpan.FromMinutes(15));
        }

        var committed = await CommittedAsync(a);
        committed.ShouldBe(committed.Distinct().ToList(), "no notification was enqueued twice");
        (await a.InScopeAsync(sp => sp.GetRequiredService<PortalDbContext>().Alerts.CountAsync(Ct))).ShouldBe(5);
        foreach (var alert in await a.InScopeAsync(sp => sp.GetRequiredService<PortalDbContext>().Alerts.AsNoTracking().ToListAsync(Ct)))
        {
            // 3 h of scans: the step, the next person at 30 min, everyone at 60 min; the first repeat is due at 5 h.
            committed.Count(k => k.StartsWith($"alert:{alert.Id}:", StringComparison.Ordinal)).ShouldBe(1 + 1 + 3);
        }
    }

    [Fact]
    public async Task TwoNodesEvaluatingACriticalFindingAtOnce_RaiseOneAlertPerFinding_AndEnqueueEachMessageOnce()
    {
        await using var database = await TestDatabase.CreateEmptyAsync(TestDatabase.Postgres);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = new Dictionary<string, string>(NoBackgroundJobs) { ["Alerts:RaiseForCriticalFindings"] = "true", ["Diagnostics:MinSecondsBetweenEvaluations"] = "600" };
        await using var a = await NodeAsync(database, time, settings);
        await using var b = await NodeAsync(database, time, settings);
        var agent = await a.EnrollAsync(ServerRole.Rras, "VPN01");
        time.Advance(TimeSpan.FromSeconds(1));
        await agent.ReportAsync(Diagnostics.DiagnosticsPortal.WithIpv6Binding(agent, Diagnostics.DiagnosticsPortal.Stranger));

        Task Evaluate(PortalFactory node) => node.InScopeAsync(sp => sp.GetRequiredService<EvaluateFindings>().RunAsync(null, Ct));
        Task Scan(PortalFactory node) => node.InScopeAsync(sp => sp.GetRequiredService<FindingAlerts>().RunAsync(Ct));
        for (var round = 0; round < 8; round++)
        {
            await Task.WhenAll(Evaluate(a), Evaluate(b), Scan(a), Scan(b));
            time.Advance(TimeSpan.FromMinutes(15));
        }

        var committed = await CommittedAsync(a);
        committed.ShouldBe(committed.Distinct().ToList(), "no notification was enqueued twice");
        await using var db = database.CreateContext();
        var critical = await db.DiagnosticFindings.AsNoTracking().Where(f => f.Severity == 3).Select(f => (Guid?)f.Id).ToListAsync(Ct);
        critical.ShouldNotBeEmpty();
        var alerts = await db.Alerts.AsNoTracking().ToListAsync(Ct);
        alerts.Select(x => x.FindingId).ShouldBe(critical, ignoreOrder: true, "one finding and one alert per critical rule, whichever node saved first");
        foreach (var alert in alerts)
        {
            // 1 h 45 min of scans: the finding to the primary, the next person at 30 min, everyone at 60 min.
            committed.Where(k => k.StartsWith($"alert:{alert.Id}:", StringComparison.Ordinal)).ShouldBe(
                [$"alert:{alert.Id}:finding|{Primary}", $"alert:{alert.Id}:escalation:finding:1|{Next}",
                 $"alert:{alert.Id}:escalation:finding:2|{Primary}", $"alert:{alert.Id}:escalation:finding:2|{Next}", $"alert:{alert.Id}:escalation:finding:2|{Third}"],
                ignoreOrder: true);
        }
    }

    [Fact]
    public async Task TwoClusteredSchedulers_ShareTheScan_AndNothingIsEnqueuedTwice()
    {
        await using var database = await TestDatabase.CreateEmptyAsync(TestDatabase.Postgres);
        var settings = new Dictionary<string, string> { ["Alerts:ScanInterval"] = "00:00:01", ["Jobs:ClusterCheckinSeconds"] = "1" };
        await using var a = await NodeAsync(database, null, settings);
        await using var b = await NodeAsync(database, null, settings);
        await SeedAsync(a, DateTimeOffset.UtcNow, 3);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await CommittedAsync(a)).Count < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, Ct);
        }

        await Task.Delay(TimeSpan.FromSeconds(3), Ct); // several more firings across both nodes
        var committed = await CommittedAsync(a);
        committed.Count.ShouldBe(3, $"each alert's step, once: {string.Join(", ", committed)}");
        committed.Distinct().Count().ShouldBe(3);
        await using var db = database.CreateContext();
        var nodes = await db.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS \"Value\" FROM qrtz_scheduler_state").SingleAsync(Ct);
        nodes.ShouldBe(2, "both portal nodes checked in to the cluster");
    }
}
