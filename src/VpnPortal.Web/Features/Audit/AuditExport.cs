using System.Globalization;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Audit;

/// <summary>
/// The audit log's filters as the page's address carries them, so the page and its CSV export read them alike: times
/// are UTC, written "yyyy-MM-dd" or "yyyy-MM-ddTHH:mm"; a "to" day without a time includes that whole day.
/// </summary>
public static class AuditAddress
{
    private static readonly string[] Formats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"];

    /// <summary>The start of the range: the instant written, or the day's first instant.</summary>
    public static DateTimeOffset? From(string? text) => Parse(text, out var at, out _) ? at : null;

    /// <summary>The (exclusive) end of the range: the instant written, or the next midnight after a day written alone.</summary>
    public static DateTimeOffset? To(string? text) => Parse(text, out var at, out var dayOnly) ? (dayOnly ? at.AddDays(1) : at) : null;

    /// <summary>How an instant travels in the address: a day alone at midnight, otherwise day and minute.</summary>
    public static string Text(DateTime utc) =>
        utc.TimeOfDay == TimeSpan.Zero
            ? utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    public static QueryAuditLog.Query Query(string? action, string? actor, string? entityType, string? entityId, string? from, string? to, string? text, string? sort = null) =>
        new(action, actor, entityType, entityId, From(from), To(to), text, Sorts: TableRequest.ParseSort(sort));

    private static bool Parse(string? text, out DateTimeOffset at, out bool dayOnly)
    {
        at = default;
        dayOnly = false;
        if (string.IsNullOrWhiteSpace(text)
            || !DateTime.TryParseExact(text.Trim(), Formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        dayOnly = text.Trim().Length == "yyyy-MM-dd".Length;
        at = new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
        return true;
    }
}

/// <summary>/export/audit.csv: the entries the audit page's filter shows, in its order, for admins (as the page).</summary>
public static class AuditExport
{
    public static readonly IReadOnlyList<string> Header =
        ["Time (UTC)", "Actor", "Actor user id", "From address", "Action", "Entity type", "Entity id", "Summary", "Before", "After"];

    public static RouteGroupBuilder MapAuditExport(this RouteGroupBuilder group)
    {
        group.MapGet("/audit.csv", Export).RequireAuthorization(Policies.Admin);
        return group;
    }

    private static IResult Export(
        QueryAuditLog auditLog,
        TimeProvider time,
        string? action,
        string? actor,
        string? entityType,
        string? entityId,
        string? from,
        string? to,
        string? text,
        string? sort)
    {
        var query = AuditAddress.Query(action, actor, entityType, entityId, from, to, text, sort);
        var errors = QueryAuditLog.Validate(query);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["filter"] = [.. errors] });
        }

        return CsvFile.Result("audit-log", time.GetUtcNow(), Header, auditLog.StreamAsync(query), e =>
        [
            CsvFile.Time(e.OccurredAt), e.Actor, e.ActorUserId?.ToString(), e.RemoteAddress, e.Action, e.EntityType, e.EntityId,
            e.Summary, e.BeforeJson, e.AfterJson,
        ]);
    }
}
