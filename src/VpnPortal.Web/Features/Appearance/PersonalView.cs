using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Appearance;

/// <summary>
/// How the signed-in person sees the portal in this circuit (or request): their time zone (chosen with their notification
/// settings) and their theme. Read once, then kept; times everywhere are written through <see cref="Time"/>.
/// </summary>
public sealed class PersonalView
{
    private readonly Func<Task<(TimeZoneInfo Zone, ThemeChoice Theme)>> read;
    private Task? loading;

    public PersonalView(IDbContextFactory<PortalDbContext> dbs, AuthenticationStateProvider auth)
        : this(() => ReadAsync(dbs, auth))
    {
    }

    private PersonalView(Func<Task<(TimeZoneInfo Zone, ThemeChoice Theme)>> read) => this.read = read;

    /// <summary>A view that needs no sign-in or database: a zone and a theme given (for components shown alone).</summary>
    public static PersonalView Fixed(TimeZoneInfo zone, ThemeChoice theme = ThemeChoice.System) => new(() => Task.FromResult((zone, theme)));

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public ThemeChoice Theme { get; private set; }

    /// <summary>Raised when the person changes their theme or time zone in this circuit.</summary>
    public event Action? Changed;

    public Task LoadAsync() => loading ??= LoadOnceAsync();

    /// <summary>Records the person's choice here; <see cref="SaveDisplayPreference"/> stores it.</summary>
    public void Use(ThemeChoice theme)
    {
        Theme = theme;
        Changed?.Invoke();
    }

    public void Use(TimeZoneInfo zone)
    {
        Zone = zone;
        Changed?.Invoke();
    }

    /// <summary>"2026-11-22 09:00 UTC", "2026-11-22 10:00 UTC+1": the date and time in the person's zone, and the zone.</summary>
    public string Time(DateTimeOffset value, bool seconds = false)
    {
        var local = TimeZoneInfo.ConvertTime(value, Zone);
        return local.ToString(seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + Offset(local.Offset);
    }

    /// <summary>The zone's offset at that moment as people read it: "UTC", "UTC+1", "UTC-3:30".</summary>
    public static string Offset(TimeSpan offset) =>
        offset == TimeSpan.Zero ? "UTC"
        : "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + (offset.Minutes == 0 ? $"{Math.Abs(offset.Hours)}" : $"{Math.Abs(offset.Hours)}:{Math.Abs(offset.Minutes):00}");

    private async Task LoadOnceAsync() => (Zone, Theme) = await read();

    private static async Task<(TimeZoneInfo, ThemeChoice)> ReadAsync(IDbContextFactory<PortalDbContext> dbs, AuthenticationStateProvider auth)
    {
        var user = (await auth.GetAuthenticationStateAsync()).User;
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
        {
            return (TimeZoneInfo.Utc, ThemeChoice.System);
        }

        await using var db = await dbs.CreateDbContextAsync();
        var zoneId = await db.NotificationPreferences.AsNoTracking().Where(p => p.UserId == id).Select(p => p.TimeZoneId).FirstOrDefaultAsync();
        var zone = zoneId is not null && TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var found) ? found : TimeZoneInfo.Utc;
        var theme = await db.DisplayPreferences.AsNoTracking().Where(p => p.UserId == id).Select(p => p.Theme).FirstOrDefaultAsync();
        return (zone, theme);
    }
}
