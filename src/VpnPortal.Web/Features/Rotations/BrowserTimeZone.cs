using Microsoft.JSInterop;

namespace VpnPortal.Web.Features.Rotations;

/// <summary>
/// The time zone of the admin's browser, so a maintenance window typed in a datetime-local field (local wall-clock time)
/// becomes the right UTC instant, daylight saving included. Everything the portal shows stays in UTC (decision 0010).
/// </summary>
public sealed record BrowserTimeZone(TimeZoneInfo Zone, string Name, bool Known)
{
    public static readonly BrowserTimeZone Utc = new(TimeZoneInfo.Utc, "UTC", Known: false);

    /// <summary>
    /// Asks the browser for its IANA zone (Intl.DateTimeFormat().resolvedOptions().timeZone) through plain JS interop calls,
    /// which the .NET 9 client script supports (decision 0002). Null when the browser does not say or the zone is not
    /// known to this server: the caller then works in UTC and says so.
    /// </summary>
    public static async Task<BrowserTimeZone?> DetectAsync(IJSRuntime js, CancellationToken ct = default)
    {
        // Intl.DateTimeFormat called without "new" makes a formatter for the browser's own locale and zone.
        await using var formatter = await js.InvokeAsync<IJSObjectReference?>("Intl.DateTimeFormat", ct);
        if (formatter is null)
        {
            return null;
        }

        var options = await formatter.InvokeAsync<ResolvedOptions?>("resolvedOptions", ct);
        return FromName(options?.TimeZone);
    }

    /// <summary>The zone of an IANA (or Windows) id, or null when it is blank or unknown here.</summary>
    public static BrowserTimeZone? FromName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && TimeZoneInfo.TryFindSystemTimeZoneById(name.Trim(), out var zone) ? new BrowserTimeZone(zone, name.Trim(), Known: true) : null;

    /// <summary>A wall-clock time in this zone as UTC; an error for a time the clocks skip (the hour lost to daylight saving).</summary>
    public (DateTimeOffset? Utc, string? Error) ToUtc(DateTime? local)
    {
        if (local is not { } value)
        {
            return (null, null);
        }

        var unspecified = DateTime.SpecifyKind(value, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(unspecified))
        {
            return (null, $"{value:yyyy-MM-dd HH:mm} does not exist in {Name}: the clocks skip it. Choose another time.");
        }

        return (new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, Zone), TimeSpan.Zero), null);
    }

    /// <summary>The part of Intl.DateTimeFormat().resolvedOptions() the portal reads.</summary>
    internal sealed record ResolvedOptions(string? TimeZone);
}
