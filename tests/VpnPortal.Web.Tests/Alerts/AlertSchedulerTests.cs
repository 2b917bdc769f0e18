using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Alerts;

/// <summary>The scan on Quartz's persistent store in the portal database: scheduled, kept over a restart, a missed firing caught up once.</summary>
public sealed class AlertSchedulerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<PortalFactory> StartOnAsync(TestDatabase database, string interval)
    {
        var outbox = new RecordingOutbox();
        var roster = new FixedRoster(new OnCallNow(AlertLifecycleTests.Primary, null, [AlertLifecycleTests.Primary]));
        return await PortalFactory.StartOnAsync(database, null, new Dictionary<string, string> { ["Alerts:ScanInterval"] = interval }, AlertDoubles.Register(outbox, roster));
    }

    private static async Task<(long NextFire, long StartTime, long TimesTriggered)> TriggerRowAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT t.next_fire_time, t.start_time, s.times_triggered FROM qrtz_triggers t JOIN qrtz_simple_triggers s ON s.sched_name = t.sched_name AND s.trigger_name = t.trigger_name AND s.trigger_group = t.trigger_group WHERE t.trigger_name = 'alert-scan'";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        (await reader.ReadAsync(Ct)).ShouldBeTrue("the scan's trigger is in the portal database");
        return (Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)), Convert.ToInt64(reader.GetValue(2)));
    }

    private static async Task ExecuteAsync(TestDatabase database, string sql)
    {
        await using var db = database.CreateContext();
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
    }

    /// <summary>Polls the database (not a timed assertion: the deadline only bounds a hung scheduler).</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException($"Still waiting for {what}; last value {value}");
            }

            await Task.Delay(200, Ct);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Scan_IsScheduledInThePortalDatabase_RunsThere_AndKeepsItsTriggerOverARestart(string provider)
    {
        await using var database = await TestDatabase.CreateEmptyAsync(provider);
        long startTime;
        await using (var portal = await StartOnAsync(database, "00:00:01"))
        {
            await portal.InScopeAsync(async sp =>
            {
                var db = sp.GetRequiredService<PortalDbContext>();
                var r = await AlertsSeed.RrasAsync(db, "RRAS-01");
                await AlertsSeed.CertificateAsync(db, "vpn.corp.example", DateTimeOffset.UtcNow.AddDays(3), CertificateStoreName.My, DateTimeOffset.UtcNow, r);
            });

            await EventuallyAsync(
                () => portal.InScopeAsync(sp => sp.GetRequiredService<PortalDbContext>().Alerts.CountAsync(Ct)), n => n == 1, "the scheduled scan to open the alert");
            startTime = (await TriggerRowAsync(database)).StartTime;
        }

        await using (var again = await StartOnAsync(database, "00:00:01"))
        {
            var row = await EventuallyAsync(() => TriggerRowAsync(database), r => r.TimesTriggered > 0, "the trigger to fire after the restart");
            row.StartTime.ShouldBe(startTime, "the trigger in the store was kept, not scheduled anew");
            (await again.InScopeAsync(sp => sp.GetRequiredService<PortalDbContext>().Alerts.CountAsync(Ct))).ShouldBe(1, "scans are idempotent");
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task FiringsMissedDuringDowntime_AreCaughtUpOnce_NotReplayed(string provider)
    {
        await using var database = await TestDatabase.CreateEmptyAsync(provider);
        await using (var portal = await StartOnAsync(database, "01:00:00"))
        {
            await EventuallyAsync(() => TriggerRowAsync(database), r => r.TimesTriggered == 1, "the first firing");
        }

        // Down for five hours: five hourly firings missed.
        var fiveHoursAgo = DateTimeOffset.UtcNow.AddHours(-5).UtcTicks;
        await ExecuteAsync(database, $"UPDATE qrtz_triggers SET next_fire_time = {fiveHoursAgo} WHERE trigger_name = 'alert-scan'");

        await using var restarted = await StartOnAsync(database, "01:00:00");
        var row = await EventuallyAsync(() => TriggerRowAsync(database), r => r.TimesTriggered >= 2, "the missed firing to be caught up");
        row.NextFire.ShouldBeGreaterThan(DateTimeOffset.UtcNow.UtcTicks, "after catching up the next firing is in the future");
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        (await TriggerRowAsync(database)).TimesTriggered.ShouldBe(2, "one catch-up, not one per missed hour");
        (await (await restarted.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct)).GetTrigger(new TriggerKey("alert-scan", "alerts"), Ct)).ShouldNotBeNull();
    }
}
