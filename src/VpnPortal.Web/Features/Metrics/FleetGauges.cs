using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Jobs;

namespace VpnPortal.Web.Features.Metrics;

/// <summary>
/// The gauges that show database state, read from one cached <see cref="FleetFigures"/>: a scrape asks for a new read
/// when the figures are older than <c>Metrics:RefreshInterval</c>, one read at a time however many scrapers ask, and
/// waits for it at most <c>Metrics:ScrapeWait</c>; past that, or when the read fails, it gets the previous figures (how
/// old they are is a gauge of its own). The gauges' callbacks never touch the database.
/// </summary>
public sealed class FleetGauges
{
    /// <summary>A read that takes longer than this is given up; the next scrape after the interval tries again.</summary>
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly MetricsOptions _options;
    private readonly TimeSpan _reportInterval;
    private readonly ILogger<FleetGauges> _logger;
    private readonly Lock _lock = new();
    private Task? _reading;
    private long? _lastReadStarted;
    private volatile FleetFigures _current = FleetFigures.None;

    public FleetGauges(
        PortalMetrics metrics, IServiceScopeFactory scopes, TimeProvider time, IOptions<MetricsOptions> options, IOptions<AgentOptions> agents, ILogger<FleetGauges> logger)
    {
        _scopes = scopes;
        _time = time;
        _options = options.Value;
        _reportInterval = agents.Value.ReportInterval;
        _logger = logger;

        var meter = metrics.Meter;
        meter.CreateObservableGauge("vpnportal.servers", () => Observe(f => f.Servers), "{server}", "Managed servers by role and agent state (none: entered by hand).");
        meter.CreateObservableGauge("vpnportal.sessions", () => Observe(f => f.Sessions), "{session}", "Live VPN sessions per RRAS server and tunnel type.");
        meter.CreateObservableGauge("vpnportal.findings.open", () => Observe(f => f.OpenFindings), "{finding}", "Open diagnostics findings by rule and severity.");
        meter.CreateObservableGauge("vpnportal.alerts.open", () => Observe(f => f.OpenAlerts), "{alert}", "Open alerts by severity and state.");
        meter.CreateObservableGauge(
            "vpnportal.certificate.expiry", () => Observe(f => f.CertificateExpiryDays), "d",
            "Days until the certificate that expires first ends, per server and purpose; negative once it has expired.");
        meter.CreateObservableGauge(
            "vpnportal.outbox.messages", () => Observe(f => f.OutboxMessages), "{message}", "Notifications not delivered: pending, delivering, failed (to be retried), gave_up.");
        meter.CreateObservableGauge(
            "vpnportal.outbox.oldest_message.age", ObserveOldestWaiting, "s", "Age of the oldest notification still to be delivered; 0 when none waits.");
        meter.CreateObservableGauge("vpnportal.fleet.figures.age", ObserveAge, "s", "How old the figures read from the database are.");
    }

    /// <summary>The figures the gauges show now.</summary>
    public FleetFigures Current => _current;

    /// <summary>
    /// Reads the database again if the figures are older than the refresh interval (or joins the read under way), waiting
    /// for it at most <c>Metrics:ScrapeWait</c>.
    /// </summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        Task reading;
        lock (_lock)
        {
            if (_reading is null)
            {
                if (_lastReadStarted is { } started && _time.GetElapsedTime(started) < _options.RefreshInterval)
                {
                    return;
                }

                _lastReadStarted = _time.GetTimestamp();
                // On the thread pool: the read ends (and clears _reading) only after it has been stored here.
                _reading = Task.Run(ReadAsync, CancellationToken.None);
            }

            reading = _reading;
        }

        try
        {
            await reading.WaitAsync(_options.ScrapeWait, _time, ct);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("The database did not answer within {Wait}: this scrape gets the figures of {ReadAt:u}", _options.ScrapeWait, _current.ReadAt);
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(ReadTimeout);
            await using var scope = _scopes.CreateSystemScope();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            _current = await FleetFigures.ReadAsync(db, _time.GetUtcNow(), _reportInterval, timeout.Token);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Reading the fleet's figures for /metrics failed; the previous ones are served");
        }
        finally
        {
            lock (_lock)
            {
                _reading = null;
            }
        }
    }

    private IEnumerable<System.Diagnostics.Metrics.Measurement<double>> Observe(Func<FleetFigures, IReadOnlyList<GaugeValue>> values) =>
        values(_current).Select(v => v.ToMeasurement());

    private IEnumerable<System.Diagnostics.Metrics.Measurement<double>> ObserveOldestWaiting() =>
        _current.OldestWaitingNotificationSeconds is { } seconds ? [new(seconds)] : [];

    private IEnumerable<System.Diagnostics.Metrics.Measurement<double>> ObserveAge() =>
        ReferenceEquals(_current, FleetFigures.None) ? [] : [new(Math.Max(0, (_time.GetUtcNow() - _current.ReadAt).TotalSeconds))];
}
