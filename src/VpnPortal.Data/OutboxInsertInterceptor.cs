using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data;

/// <summary>
/// Writes new outbox rows with <c>INSERT ... ON CONFLICT (SourceKey, RecipientUserId, Channel) DO NOTHING</c> inside the
/// transaction of the save that carries them, instead of EF's plain INSERT. A row another node inserted a moment earlier
/// is then skipped by the database rather than failing the caller's whole save: "already enqueued" is not an error,
/// also under a race a check-then-insert cannot close. (EF's own INSERT cannot say ON CONFLICT, and it would treat the
/// zero rows affected as a concurrency failure.) SQLite and PostgreSQL understand the statement as written; SQL Server gets
/// its own form of it.
/// </summary>
internal sealed class OutboxInsertInterceptor : SaveChangesInterceptor
{
    public static readonly OutboxInsertInterceptor Instance = new();

    private static readonly ConditionalWeakTable<DbContext, PendingSave> Saves = new();

    private sealed class PendingSave(List<NotificationOutboxMessage> rows, IDbContextTransaction? owned)
    {
        public List<NotificationOutboxMessage> Rows { get; } = rows;
        public IDbContextTransaction? Owned { get; } = owned;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } db)
        {
            InsertAsync(db, sync: true, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db)
        {
            await InsertAsync(db, sync: false, cancellationToken);
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Take(eventData.Context) is { Owned: { } owned })
        {
            owned.Commit();
            owned.Dispose();
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Take(eventData.Context) is { Owned: { } owned })
        {
            await owned.CommitAsync(cancellationToken);
            await owned.DisposeAsync();
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Fail(eventData.Context, sync: true).GetAwaiter().GetResult();

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) => Fail(eventData.Context, sync: false);

    public override void SaveChangesCanceled(DbContextEventData eventData) => Fail(eventData.Context, sync: true).GetAwaiter().GetResult();

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) => Fail(eventData.Context, sync: false);

    private static PendingSave? Take(DbContext? db)
    {
        if (db is null || !Saves.TryGetValue(db, out var pending))
        {
            return null;
        }

        Saves.Remove(db);
        return pending;
    }

    /// <summary>Nothing was saved: undo the inserts (when the transaction is ours) and put the rows back, so a retried save writes them.</summary>
    private static async Task Fail(DbContext? db, bool sync)
    {
        if (Take(db) is not { } pending)
        {
            return;
        }

        if (pending.Owned is { } owned)
        {
            if (sync)
            {
                owned.Rollback();
                owned.Dispose();
            }
            else
            {
                await owned.RollbackAsync();
                await owned.DisposeAsync();
            }
        }

        foreach (var row in pending.Rows)
        {
            db!.Add(row);
        }
    }

    private static async Task InsertAsync(DbContext db, bool sync, CancellationToken ct)
    {
        var rows = db.ChangeTracker.Entries<NotificationOutboxMessage>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        // The rows and the rest of the save commit together: in the caller's transaction, or in one opened here.
        IDbContextTransaction? owned = null;
        if (db.Database.CurrentTransaction is null)
        {
            owned = sync ? db.Database.BeginTransaction() : await db.Database.BeginTransactionAsync(ct);
        }

        Saves.AddOrUpdate(db, new PendingSave(rows, owned));
        using var factory = db.Database.GetDbConnection().CreateCommand();
        foreach (var row in rows)
        {
            var (insert, parameters) = InsertCommand(db, factory, row);
            if (sync)
            {
                db.Database.ExecuteSqlRaw(insert, parameters);
            }
            else
            {
                await db.Database.ExecuteSqlRawAsync(insert, parameters, ct);
            }

            // Written already; EF must not insert it again.
            db.Entry(row).State = EntityState.Detached;
        }
    }

    /// <summary>
    /// The INSERT of one row that leaves it out when its (SourceKey, RecipientUserId, Channel) is there already. SQL Server
    /// has no ON CONFLICT: it checks for the key under an update lock held to the end of the transaction, so a second
    /// node inserting the same key waits for the first and then finds its row.
    /// </summary>
    internal static (string Sql, List<DbParameter> Parameters) InsertCommand(DbContext db, DbCommand factory, NotificationOutboxMessage row)
    {
        var entityType = db.Model.FindEntityType(typeof(NotificationOutboxMessage))!;
        var sql = db.GetService<ISqlGenerationHelper>();
        var properties = entityType.GetProperties().ToList();
        var quoted = SqlNames.Of<NotificationOutboxMessage>(db);
        var table = quoted.Table;
        var columns = string.Join(", ", properties.Select(quoted.Column));
        var parameters = new List<DbParameter>();
        var names = new Dictionary<string, string>();
        foreach (var property in properties)
        {
            var name = sql.GenerateParameterName($"p{parameters.Count}");
            var mapping = (RelationalTypeMapping)property.GetRelationalTypeMapping();
            parameters.Add(mapping.CreateParameter(factory, name, property.GetGetter().GetClrValue(row), property.IsNullable));
            names[property.Name] = name;
        }

        string[] key = [nameof(NotificationOutboxMessage.SourceKey), nameof(NotificationOutboxMessage.RecipientUserId), nameof(NotificationOutboxMessage.Channel)];
        var keyColumns = key.Select(quoted.Column).ToList();
        var values = string.Join(", ", properties.Select(p => names[p.Name]));
        var insert = db.Database.ProviderName == PortalDbContext.SqlServerProviderName
            ? $"INSERT INTO {table} ({columns}) SELECT {values} WHERE NOT EXISTS (SELECT 1 FROM {table} WITH (UPDLOCK, HOLDLOCK) WHERE "
                + string.Join(" AND ", key.Select((n, i) => $"{keyColumns[i]} = {names[n]}")) + ")"
            : $"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT ({string.Join(", ", keyColumns)}) DO NOTHING";
        return (insert, parameters);
    }
}
