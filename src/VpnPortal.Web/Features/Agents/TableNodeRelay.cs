using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Jobs;

namespace VpnPortal.Web.Features.Agents;

/// <summary>
/// The node relay on SQL Server, which has no LISTEN/NOTIFY (Service Broker would need the database's broker enabled,
/// which Azure SQL Database does not offer): each node writes its hints to the NodeSignals table and reads the others'
/// every quarter of a second, a range read on the key. The same hints as <see cref="PostgresNodeRelay"/>'s, and only
/// hints: pages and polls always read the database, so a hint missed while the database is away delays an update,
/// never loses data. Signals are removed a minute after they were written.
/// </summary>
/// <remarks>
/// Keys are handed out when a row is written but become visible when its transaction commits, so a reader can see key
/// 11 before key 10. Each read therefore looks back <see cref="LookBack"/> keys below the highest it has seen, and
/// remembers which of those it has delivered.
/// </remarks>
public sealed class TableNodeRelay(IServiceScopeFactory scopes, FleetEvents events, CommandSignals signals, TimeProvider time, ILogger<TableNodeRelay> logger)
    : BackgroundService
{
    internal const int LookBack = 100;
    private const int BatchSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan PruneInterval = TimeSpan.FromSeconds(30);

    private readonly string _node = NodeRelayMessage.NewNode();
    private readonly Channel<string> _outbox = Channel.CreateBounded<string>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<long> _delivered = [];
    private long _highest = -1;
    private string? _insertInto;

    /// <summary>Completes once this node has read where the table stands: from then on it hears the other nodes' changes.</summary>
    public Task Listening => _listening.Task;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        events.PublishedHere += OnPublished;
        signals.NotifiedHere += OnNotified;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        events.PublishedHere -= OnPublished;
        signals.NotifiedHere -= OnNotified;
        await base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ReadAsync(stoppingToken), WriteAsync(stoppingToken));

    private void OnPublished(FleetChange change) => _outbox.Writer.TryWrite(NodeRelayMessage.Format(_node, change, wake: false));

    private void OnNotified(Guid server) =>
        _outbox.Writer.TryWrite(NodeRelayMessage.Format(_node, new FleetChange(FleetChangeKind.CommandChanged, server), wake: true));

    private async Task ReadAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        var lastPrune = DateTimeOffset.MinValue;
        // Real time, whatever the portal's clock: a hint is news for a quarter of a second.
        using var timer = new PeriodicTimer(PollInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateSystemScope();
                var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
                if (_highest < 0)
                {
                    // What was written before this node started is not news to it.
                    _highest = await db.NodeSignals.MaxAsync(s => (long?)s.Id, stoppingToken) ?? 0;
                    _listening.TrySetResult();
                }
                else
                {
                    await DeliverNewAsync(db, stoppingToken);
                }

                if (time.GetUtcNow() - lastPrune >= PruneInterval)
                {
                    var before = (time.GetUtcNow() - KeepFor).ToUnixTimeMilliseconds();
                    await db.NodeSignals.Where(s => s.SentAtUnixMs < before).ExecuteDeleteAsync(stoppingToken);
                    lastPrune = time.GetUtcNow();
                }

                failing = false;
            }
            catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                // Pages and polls still read the database; they hear of other nodes' changes late until it is back.
                if (!failing)
                {
                    logger.LogWarning(e, "The relay between portal nodes could not read the other nodes' signals; it tries again every {Milliseconds} ms", PollInterval.TotalMilliseconds);
                }

                failing = true;
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private async Task DeliverNewAsync(PortalDbContext db, CancellationToken ct)
    {
        var from = _highest - LookBack;
        var rows = await db.NodeSignals.AsNoTracking()
            .Where(s => s.Id > from)
            .OrderBy(s => s.Id)
            .Take(BatchSize * 10)
            .Select(s => new { s.Id, s.Payload })
            .ToListAsync(ct);
        foreach (var row in rows)
        {
            if (_delivered.Add(row.Id))
            {
                NodeRelayMessage.Deliver(row.Payload, _node, events, signals);
            }

            _highest = Math.Max(_highest, row.Id);
        }

        _delivered.RemoveWhere(id => id <= _highest - LookBack);
    }

    private async Task WriteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        var batch = new List<string>(BatchSize);
        while (await _outbox.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < BatchSize && _outbox.Reader.TryRead(out var message))
            {
                batch.Add(message);
            }

            try
            {
                await using var scope = scopes.CreateSystemScope();
                await InsertAsync(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), batch, stoppingToken);
                failing = false;
            }
            catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                // A hint the other nodes miss: their pages and polls catch up at their next read. Said once per outage.
                if (!failing)
                {
                    logger.LogWarning(e, "The relay between portal nodes could not tell the other nodes of a change");
                }

                failing = true;
            }
        }
    }

    /// <summary>
    /// One INSERT for the batch, in plain SQL: a signal is not a change anyone made, so it is neither tracked nor audited.
    /// </summary>
    private async Task InsertAsync(PortalDbContext db, List<string> payloads, CancellationToken ct)
    {
        // The names are the model's, delimited by the provider, worked out once; every value is a parameter ({0}, {1}, ...).
        _insertInto ??= InsertInto(db);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var values = string.Join(", ", payloads.Select((_, i) => $"({{{2 * i}}}, {{{(2 * i) + 1}}})"));
        var parameters = payloads.SelectMany(p => new object[] { p, now }).ToArray();
        await db.Database.ExecuteSqlAsync(FormattableStringFactory.Create(_insertInto + values, parameters), ct);
    }

    private static string InsertInto(PortalDbContext db)
    {
        var names = SqlNames.Of<NodeSignal>(db);
        return $"INSERT INTO {names.Table} ({names.Column(nameof(NodeSignal.Payload))}, {names.Column(nameof(NodeSignal.SentAtUnixMs))}) VALUES ";
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
