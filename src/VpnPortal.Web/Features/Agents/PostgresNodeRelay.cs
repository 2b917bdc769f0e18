using System.Threading.Channels;
using Npgsql;

namespace VpnPortal.Web.Features.Agents;

/// <summary>
/// Tells the portal's other nodes on the same PostgreSQL database what changed here, and this node what changed
/// there, through PostgreSQL's <c>LISTEN</c>/<c>NOTIFY</c>: fleet changes (open pages refresh) and command wake-ups
/// (a held command poll returns to read its new command). Only hints, as on one node: pages and polls always read the
/// database, and a poll re-reads it every few seconds anyway, so a notification lost while the connection is down
/// delays an update; it never loses data. A notification is sent outside the change's transaction, after it was saved.
/// </summary>
public sealed class PostgresNodeRelay : BackgroundService
{
    public const string Channel = "vpnportal_fleet";

    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

    private readonly string _node = NodeRelayMessage.NewNode();
    private readonly Channel<string> _outbox = System.Threading.Channels.Channel.CreateBounded<string>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly FleetEvents _events;
    private readonly CommandSignals _signals;
    private readonly string _listenConnection;
    private readonly NpgsqlDataSource _senders;
    private readonly ILogger<PostgresNodeRelay> _logger;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PostgresNodeRelay(FleetEvents events, CommandSignals signals, string connectionString, ILogger<PostgresNodeRelay> logger)
    {
        _events = events;
        _signals = signals;
        _logger = logger;
        // Connections of its own, outside the pool the portal's queries use: one waits on LISTEN as long as the node runs.
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "VpnPortal node relay" };
        _listenConnection = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Pooling = false }.ConnectionString;
        _senders = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(settings.ConnectionString) { MaxPoolSize = 2 });
        _events.PublishedHere += change => Send(NodeRelayMessage.Format(_node, change, wake: false));
        _signals.NotifiedHere += server => Send(NodeRelayMessage.Format(_node, new FleetChange(FleetChangeKind.CommandChanged, server), wake: true));
    }

    /// <summary>Completes once this node listens: from then on it hears the other nodes' changes.</summary>
    public Task Listening => _listening.Task;

    public override void Dispose()
    {
        _senders.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var wait = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listener = new NpgsqlConnection(_listenConnection);
                await listener.OpenAsync(stoppingToken);
                listener.Notification += (_, e) => NodeRelayMessage.Deliver(e.Payload, _node, _events, _signals);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", listener))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                _listening.TrySetResult();
                wait = TimeSpan.FromSeconds(1);
                while (true)
                {
                    await listener.WaitAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                // Pages and polls still read the database; they hear of other nodes' changes late until this is back.
                _logger.LogWarning(e, "The relay between portal nodes lost its database connection; listening again in {Seconds} s", wait.TotalSeconds);
                await Task.Delay(wait, stoppingToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestWait.Ticks));
            }
        }
    }

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        await foreach (var message in _outbox.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var notify = _senders.CreateCommand($"SELECT pg_notify('{Channel}', $1)");
                notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message });
                await notify.ExecuteNonQueryAsync(stoppingToken);
                failing = false;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                // A hint the other nodes miss: their pages and polls catch up at their next read. Said once per outage.
                if (!failing)
                {
                    _logger.LogWarning(e, "The relay between portal nodes could not tell the other nodes of a change");
                }

                failing = true;
            }
        }
    }

    private void Send(string message) => _outbox.Writer.TryWrite(message);
}
