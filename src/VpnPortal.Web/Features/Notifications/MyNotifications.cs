using System.Net.Mail;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>A signed-in user's own notifications: the in-portal list, unread count, marking read; and their preferences.</summary>
public sealed class MyNotifications(PortalDbContext db, TimeProvider time)
{
    public const int ListSize = 50;

    public sealed record Item(Guid Id, string Severity, string Subject, string Body, IReadOnlyList<RenderedLink> Links, DateTimeOffset CreatedAt, bool Read);

    public sealed record Preferences(bool EmailEnabled, bool InPortalEnabled, string? EmailAddress, string TimeZoneId, string? AccountEmail, Guid? Version);

    public async Task<IReadOnlyList<Item>> ListAsync(Guid userId, CancellationToken ct = default)
    {
        var rows = await db.PortalNotifications.AsNoTracking()
            .Where(n => n.UserId == userId)
            .OrderByDescending(n => n.CreatedAt)
            .Take(ListSize)
            .ToListAsync(ct);
        return rows.Select(n => new Item(
            n.Id, n.Severity, n.Subject, n.Body,
            JsonSerializer.Deserialize<List<RenderedLink>>(n.LinksJson, NotificationOutbox.Json) ?? [],
            n.CreatedAt, n.ReadAt is not null)).ToList();
    }

    public Task<int> UnreadCountAsync(Guid userId, CancellationToken ct = default) =>
        db.PortalNotifications.CountAsync(n => n.UserId == userId && n.ReadAt == null, ct);

    /// <summary>Marks one of the user's notifications read, or all of them when <paramref name="id"/> is null; returns how many changed.</summary>
    public Task<int> MarkReadAsync(Guid userId, Guid? id, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        return db.PortalNotifications
            .Where(n => n.UserId == userId && n.ReadAt == null && (id == null || n.Id == id))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }

    public async Task<Preferences> GetPreferencesAsync(Guid userId, CancellationToken ct = default)
    {
        var email = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        var p = await db.NotificationPreferences.AsNoTracking().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        return p is null
            ? new Preferences(true, true, null, "UTC", email, null)
            : new Preferences(p.EmailEnabled, p.InPortalEnabled, p.EmailAddress, p.TimeZoneId, email, p.Version);
    }

    /// <summary>Saves the user's preferences; <paramref name="input"/>'s Version is what they loaded (null before the first save).</summary>
    public async Task<CommandResult> SavePreferencesAsync(Guid userId, Preferences input, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        var zone = input.TimeZoneId?.Trim() ?? "";
        if (zone.Length == 0 || zone.Length > NotificationLimits.TimeZoneId || !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            errors[nameof(Preferences.TimeZoneId)] = $"\"{input.TimeZoneId}\" is not a time zone this server knows; use an IANA name such as Europe/London.";
        }

        var address = string.IsNullOrWhiteSpace(input.EmailAddress) ? null : input.EmailAddress.Trim();
        if (address is not null && (address.Length > FieldLimits.Principal || !MailAddress.TryCreate(address, out var parsed) || parsed.Address != address))
        {
            errors[nameof(Preferences.EmailAddress)] = "Give a plain e-mail address such as ana.pager@corp.example, or leave it empty to use your account's.";
        }

        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        var row = await db.NotificationPreferences.FirstOrDefaultAsync(p => p.UserId == userId, ct);
        if (row is null)
        {
            if (input.Version is not null)
            {
                return CommandResult.Conflict();
            }

            row = new NotificationPreference { UserId = userId };
            db.NotificationPreferences.Add(row);
        }
        else
        {
            if (input.Version is not { } seen)
            {
                return CommandResult.Conflict();
            }

            db.Entry(row).Property(p => p.Version).OriginalValue = seen;
        }

        row.EmailEnabled = input.EmailEnabled;
        row.InPortalEnabled = input.InPortalEnabled;
        row.EmailAddress = address;
        row.TimeZoneId = zone;
        return await CommandResult.SaveAsync(db, () => CommandResult.Ok(userId, row.Version), ct);
    }
}
