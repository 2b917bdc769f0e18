using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>
/// One pass over the outbox (decision 0015): claims due messages one by one with a conditional UPDATE (a lease: only a
/// row nobody holds, or whose holder's lease ran out, can be claimed, so two nodes never send the same row), sends each,
/// records the attempt, and marks it delivered, failed with the next attempt after an exponential backoff, or given up.
/// </summary>
public sealed class OutboxDelivery(
    IServiceScopeFactory scopes, TimeProvider time, IOptions<NotificationOptions> options, Metrics.PortalMetrics metrics, ILogger<OutboxDelivery> logger)
{
    /// <summary>Names this process in claims and attempts, so a row's history says which node sent it.</summary>
    public string Node { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Sends what is due now; returns how many messages this node claimed.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var now = time.GetUtcNow();
            due = await Claimable(db.NotificationOutbox.AsNoTracking(), now)
                .OrderBy(m => m.NextAttemptAt)
                .Select(m => m.Id)
                .Take(options.Value.BatchSize)
                .ToListAsync(ct);
        }

        var claimed = 0;
        foreach (var id in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var token = Guid.NewGuid();
            var now = time.GetUtcNow();
            var leaseEnd = now.AddSeconds(options.Value.LeaseSeconds);
            // The WHERE repeats the claimable test: of two nodes racing for one row, the database lets one UPDATE match.
            var won = await Claimable(db.NotificationOutbox.Where(m => m.Id == id), now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.State, OutboxState.Delivering)
                    .SetProperty(m => m.ClaimToken, token)
                    .SetProperty(m => m.ClaimedUntil, leaseEnd)
                    .SetProperty(m => m.ClaimedBy, Node)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
            if (won == 1)
            {
                claimed++;
                await DeliverAsync(scope.ServiceProvider, db, id, token, ct);
            }
        }

        return claimed;
    }

    /// <summary>Due, not finished, and not held by a live lease (a node that died mid-send leaves its row to others).</summary>
    private static IQueryable<NotificationOutboxMessage> Claimable(IQueryable<NotificationOutboxMessage> rows, DateTimeOffset now) =>
        rows.Where(m => (m.State == OutboxState.Pending || m.State == OutboxState.Failed || m.State == OutboxState.Delivering)
            && m.NextAttemptAt <= now
            && (m.ClaimedUntil == null || m.ClaimedUntil < now));

    private async Task DeliverAsync(IServiceProvider services, PortalDbContext db, Guid id, Guid token, CancellationToken ct)
    {
        var message = await db.NotificationOutbox.AsNoTracking().FirstAsync(m => m.Id == id, ct);
        var attemptedAt = time.GetUtcNow();
        string? error = null;
        try
        {
            await services.GetRequiredService<NotificationDispatch>().SendAsync(db, message, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            error = e is NotificationSendException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            if (error.Length > NotificationLimits.Error)
            {
                error = error[..(NotificationLimits.Error - 1)] + "…";
            }

            // In-portal rows added before the failure must not be saved with the failed attempt.
            foreach (var added in db.ChangeTracker.Entries<PortalNotification>().ToList())
            {
                added.State = EntityState.Detached;
            }
        }

        var now = time.GetUtcNow();
        var o = options.Value;
        var gaveUp = error is not null && message.Attempts >= o.MaxAttempts;
        var state = error is null ? OutboxState.Delivered : gaveUp ? OutboxState.GaveUp : OutboxState.Failed;
        var nextAttempt = error is null || gaveUp ? message.NextAttemptAt : now + o.Backoff(message.Attempts);
        DateTimeOffset? deliveredAt = error is null ? now : null;
        db.NotificationDeliveryAttempts.Add(new NotificationDeliveryAttempt
        {
            Id = Guid.NewGuid(),
            MessageId = id,
            Number = message.Attempts,
            AttemptedAt = attemptedAt,
            Succeeded = error is null,
            Error = error,
            Node = Node,
        });

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var finished = await db.NotificationOutbox.Where(m => m.Id == id && m.ClaimToken == token)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, state)
                .SetProperty(m => m.NextAttemptAt, nextAttempt)
                .SetProperty(m => m.LastError, error)
                .SetProperty(m => m.DeliveredAt, deliveredAt)
                .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.ClaimToken, (Guid?)null), ct);
        if (finished == 0)
        {
            // The lease ran out and another node took the row: its outcome counts, not this one.
            logger.LogWarning("Notification {Id} ({Channel}) took longer than its lease; another node owns it now", id, message.Channel);
            await tx.RollbackAsync(ct);
            return;
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        metrics.NotificationAttempt(message.Channel, state);
        if (error is not null)
        {
            logger.Log(
                gaveUp ? LogLevel.Error : LogLevel.Warning,
                "Notification {Id} on {Channel} failed (attempt {Attempt} of {Max}){Outcome}: {Error}",
                id, message.Channel, message.Attempts, o.MaxAttempts, gaveUp ? "; given up" : $"; next attempt at {nextAttempt:u}", error);
        }
    }
}

/// <summary>Runs the outbox every Notifications:PollSeconds, on every node (claims keep them from sending a row twice).</summary>
public sealed class OutboxDeliveryWorker(OutboxDelivery delivery, IOptions<NotificationOptions> options, ILogger<OutboxDeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PollSeconds));
        do
        {
            try
            {
                // A full batch means more may be waiting: go again at once rather than after the interval.
                while (await delivery.DeliverDueAsync(stoppingToken) >= options.Value.BatchSize)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The notification outbox pass failed; it runs again in {Seconds} s", options.Value.PollSeconds);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
