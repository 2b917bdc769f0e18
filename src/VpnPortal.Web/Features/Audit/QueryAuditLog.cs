using System.Reflection;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Components.Grids;

namespace VpnPortal.Web.Features.Audit;

/// <summary>
/// Reads the audit log, newest first unless another order is asked for, for the audit page, its CSV export and the API.
/// There is no operation that changes it.
/// </summary>
public sealed class QueryAuditLog(PortalDbContext db)
{
    /// <param name="Action">An action or its beginning, e.g. "rras-server." or "user.role-granted".</param>
    /// <param name="Actor">Part of the actor's name, or the acting user's id.</param>
    /// <param name="EntityType">Exactly, e.g. "user" or "rras-server".</param>
    /// <param name="EntityId">Exactly, e.g. a user's id.</param>
    /// <param name="From">Entries at or after this instant.</param>
    /// <param name="To">Entries before this instant (exclusive).</param>
    /// <param name="Text">Part of the summary.</param>
    /// <param name="Skip">Entries to skip.</param>
    /// <param name="Take">Entries to return, at most 500.</param>
    /// <param name="Sorts">The order, by <see cref="AuditRow"/> property names in <see cref="Sort"/>; newest first when empty.</param>
    public sealed record Query(
        string? Action = null,
        string? Actor = null,
        string? EntityType = null,
        string? EntityId = null,
        DateTimeOffset? From = null,
        DateTimeOffset? To = null,
        string? Text = null,
        int Skip = 0,
        int Take = 50,
        IReadOnlyList<SortBy>? Sorts = null)
    {
        /// <summary>The same filters for a page of a table.</summary>
        public Query ForPage(TableRequest page) => this with { Skip = page.Skip, Take = page.Take, Sorts = page.Sorts };
    }

    /// <summary>One entry. Before and after are the JSON the change recorded (changed fields only), or null.</summary>
    public sealed record AuditRow(
        long Id,
        DateTimeOffset OccurredAt,
        string Actor,
        Guid? ActorUserId,
        string? RemoteAddress,
        string Action,
        string? EntityType,
        string? EntityId,
        string Summary,
        string? BeforeJson,
        string? AfterJson);

    public sealed record AuditPage(IReadOnlyList<AuditRow> Items, int Total, int Skip, int Take);

    public const int MaxTake = 500;
    public const int MaxFilterLength = 200;

    /// <summary>The entity types the log can hold, for suggestions in the filter.</summary>
    public static IReadOnlyList<string> KnownEntityTypes { get; } = typeof(PortalDbContext).Assembly.GetTypes()
        .Select(t => t.GetCustomAttribute<AuditedAttribute>()?.EntityType)
        .OfType<string>()
        .Append("user")
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>Problems with the filter, or an empty list.</summary>
    public static List<string> Validate(Query q)
    {
        var errors = new List<string>();
        if (q.From is { } from && q.To is { } to && from >= to)
        {
            errors.Add("The start of the date range must be before its end.");
        }

        if (new[] { q.Action, q.Actor, q.EntityType, q.EntityId, q.Text }.Any(f => f?.Length > MaxFilterLength))
        {
            errors.Add($"A filter may have at most {MaxFilterLength} characters.");
        }

        return errors;
    }

    /// <summary>The columns the log can be ordered by, named as <see cref="AuditRow"/>'s properties; entries at the same instant newest first.</summary>
    public static SortMap<AuditEntry> Sort { get; } = new SortMap<AuditEntry>(nameof(AuditRow.OccurredAt), defaultDescending: true)
        .Add(nameof(AuditRow.OccurredAt), a => a.OccurredAt)
        .Add(nameof(AuditRow.Actor), a => a.Actor)
        .Add(nameof(AuditRow.Action), a => a.Action)
        .Add(nameof(AuditRow.EntityType), a => a.EntityType)
        .Add(nameof(AuditRow.Summary), a => a.Summary)
        .TieBreak(a => -a.Id);

    public async Task<AuditPage> RunAsync(Query q, CancellationToken ct = default)
    {
        var take = Math.Clamp(q.Take, 1, MaxTake);
        var skip = Math.Max(0, q.Skip);
        var query = Filter(q);
        var total = await query.CountAsync(ct);
        var items = await Project(Sort.Apply(query, q.Sorts ?? []).Skip(skip).Take(take)).ToListAsync(ct);
        return new AuditPage(items, total, skip, take);
    }

    /// <summary>Every entry the filter matches, in the order asked for, read as it is written out (an export).</summary>
    public IAsyncEnumerable<AuditRow> StreamAsync(Query q) => Project(Sort.Apply(Filter(q), q.Sorts ?? [])).AsAsyncEnumerable();

    private static IQueryable<AuditRow> Project(IQueryable<AuditEntry> query) =>
        query.Select(a => new AuditRow(a.Id, a.OccurredAt, a.Actor, a.ActorUserId, a.RemoteAddress, a.Action, a.EntityType, a.EntityId, a.Summary, a.BeforeJson, a.AfterJson));

    private IQueryable<AuditEntry> Filter(Query q)
    {
        var query = db.AuditEntries.AsNoTracking();

        if (!string.IsNullOrWhiteSpace(q.Action))
        {
            // Actions are lower-case dotted verbs; PostgreSQL compares case-sensitively, so match that.
            var prefix = q.Action.Trim().ToLowerInvariant();
            query = query.Where(a => a.Action.StartsWith(prefix));
        }

        if (!string.IsNullOrWhiteSpace(q.Actor))
        {
            if (Guid.TryParse(q.Actor.Trim(), out var actorId))
            {
                query = query.Where(a => a.ActorUserId == actorId);
            }
            else
            {
                var actor = q.Actor.Trim().ToUpperInvariant();
                query = query.Where(a => a.Actor.ToUpper().Contains(actor));
            }
        }

        if (!string.IsNullOrWhiteSpace(q.EntityType))
        {
            var type = q.EntityType.Trim().ToLowerInvariant();
            query = query.Where(a => a.EntityType == type);
        }

        if (!string.IsNullOrWhiteSpace(q.EntityId))
        {
            // Ids are stored as .NET writes them: lower-case GUIDs.
            var id = Guid.TryParse(q.EntityId.Trim(), out var guid) ? guid.ToString() : q.EntityId.Trim();
            query = query.Where(a => a.EntityId == id);
        }

        // Stored in UTC (on SQLite as UTC ticks): compare with UTC instants whatever offset the caller wrote.
        if (q.From?.ToUniversalTime() is { } from)
        {
            query = query.Where(a => a.OccurredAt >= from);
        }

        if (q.To?.ToUniversalTime() is { } to)
        {
            query = query.Where(a => a.OccurredAt < to);
        }

        if (!string.IsNullOrWhiteSpace(q.Text))
        {
            var text = q.Text.Trim().ToUpperInvariant();
            query = query.Where(a => a.Summary.ToUpper().Contains(text));
        }

        return query;
    }
}
