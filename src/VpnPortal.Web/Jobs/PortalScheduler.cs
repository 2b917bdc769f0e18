using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Quartz;
using VpnPortal.Migrations.Postgres;
using VpnPortal.Migrations.Sqlite;
using VpnPortal.Migrations.SqlServer;
using VpnPortal.Web.Features.Alerts;
using VpnPortal.Web.Hosting;

namespace VpnPortal.Web.Jobs;

/// <summary>
/// Quartz with its job store in the portal's database (tables qrtz_*, created by the portal's migrations; Quartz only
/// validates them). On PostgreSQL and SQL Server the schedulers of every portal node form a cluster, so each firing runs
/// on one node; on SQLite there is one node. Off with Jobs:Enabled=false, like the other background jobs.
/// </summary>
public static class PortalScheduler
{
    public const string SchedulerName = "VpnPortal";

    public static IServiceCollection AddPortalScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration[$"{DatabaseOptions.Section}:Provider"] ?? SqliteProvider.Name;
        services.AddQuartz(q =>
        {
            q.UsePersistentStore(store =>
            {
                store.ConfigureStore(o => o.TablePrefix = SqliteQuartzPrefix);
                store.UseSystemTextJsonSerializer();
                if (provider is PostgresProvider.Name or SqlServerProvider.Name)
                {
                    if (provider == PostgresProvider.Name)
                    {
                        store.UsePostgres(o => o.ConnectionString = ConnectionString(configuration));
                    }
                    else
                    {
                        store.UseSqlServer(o => o.ConnectionString = ConnectionString(configuration));
                    }

                    store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(configuration.GetValue("Jobs:ClusterCheckinSeconds", 10)));
                }
                else
                {
                    // The same file as the portal's own: a relative path is under the content root, not the working directory.
                    var contentRoot = configuration[HostDefaults.ContentRootKey] ?? PortalContentRoot.Resolve([]);
                    store.UseSqlite(o => o.ConnectionString = PortalDatabase.SqliteFile(ConnectionString(configuration), contentRoot));
                }
            });
            q.AddJob<AlertScanJob>(j => j.WithIdentity(AlertScanJob.Key).StoreDurably());
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<AlertScanSchedule>();
        return services;
    }

    private const string SqliteQuartzPrefix = "qrtz_";

    private static string ConnectionString(IConfiguration configuration) =>
        configuration[$"{DatabaseOptions.Section}:ConnectionString"] ?? configuration.GetConnectionString("Portal") ?? new SqliteConnectionStringBuilder { DataSource = "data/vpnportal.db" }.ToString();
}

/// <summary>
/// Puts the scan's trigger in the store at start, or keeps the one already there (so a missed firing after downtime is
/// caught up once by the trigger's misfire rule), replacing it only when Alerts:ScanInterval changed.
/// </summary>
public sealed class AlertScanSchedule(ISchedulerFactory schedulers, IOptions<AlertsOptions> options, ILogger<AlertScanSchedule> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var interval = options.Value.ScanInterval;
        var existing = await scheduler.GetTrigger(AlertScanJob.TriggerKey, cancellationToken);
        if (existing is ISimpleTrigger simple && simple.RepeatInterval == interval)
        {
            return;
        }

        var trigger = TriggerBuilder.Create()
            .WithIdentity(AlertScanJob.TriggerKey)
            .ForJob(AlertScanJob.Key)
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount))
            .Build();
        if (existing is null)
        {
            await scheduler.ScheduleJob(trigger, default, cancellationToken);
        }
        else
        {
            await scheduler.RescheduleJob(AlertScanJob.TriggerKey, trigger, cancellationToken);
            logger.LogInformation("Alert scan now runs every {Interval}", interval);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
