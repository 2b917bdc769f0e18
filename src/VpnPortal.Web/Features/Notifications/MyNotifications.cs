using System.Net.Mail;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Notifications;
using VpnPortal.Web.Features.MfaMethods;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>
/// A signed-in user's own notifications: the in-portal list, unread count, marking read; and their preferences. Where
/// notifications go (the channels, the address) changes only after a recent sign-in, like a sign-in method: whoever holds
/// an open session must not quietly divert a person's security notices. The address being replaced is told.
/// </summary>
public sealed class MyNotifications(PortalDbContext db, INotificationOutbox outbox, IOptions<MfaOptions> mfa, TimeProvider time)
{
    public const int ListSize = 50;

    public const string PagePath = "/me/notifications";

    public const string ReauthenticateMessage = "For your safety, sign in again before changing where your notifications go.";

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

    public TimeSpan ReauthenticateWithin => mfa.Value.ReauthenticateWithin;

    /// <summary>Whether a sign-in at <paramref name="signedInAt"/> is recent enough to change where notifications go (Mfa:ReauthenticateWithin).</summary>
    public bool IsRecent(DateTimeOffset? signedInAt) =>
        signedInAt is { } at && time.GetUtcNow() - at <= mfa.Value.ReauthenticateWithin;

    /// <summary>
    /// Saves the user's preferences; <paramref name="input"/>'s Version is what they loaded (null before the first save).
    /// A change of channel or address needs a sign-in at <paramref name="signedInAt"/> within Mfa:ReauthenticateWithin (the
    /// time zone alone does not); a new address sends a notice to the one it replaces.
    /// </summary>
    public async Task<CommandResult> SavePreferencesAsync(Guid userId, DateTimeOffset? signedInAt, Preferences input, CancellationToken ct = default)
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

        var redirects = row.EmailEnabled != input.EmailEnabled || row.InPortalEnabled != input.InPortalEnabled
            || !string.Equals(row.EmailAddress, address, StringComparison.OrdinalIgnoreCase);
        if (redirects && !IsRecent(signedInAt))
        {
            return CommandResult.Invalid("", ReauthenticateMessage);
        }

        var accountEmail = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        var before = row.EmailAddress ?? accountEmail;
        var after = address ?? accountEmail;
        row.EmailEnabled = input.EmailEnabled;
        row.InPortalEnabled = input.InPortalEnabled;
        row.EmailAddress = address;
        row.TimeZoneId = zone;
        if (!string.IsNullOrEmpty(before) && !string.Equals(before, after, StringComparison.OrdinalIgnoreCase))
        {
            await outbox.EnqueueAsync(db, AddressChangedNotice(userId, before, after), ct);
        }

        return await CommandResult.SaveAsync(db, () => CommandResult.Ok(userId, row.Version), ct);
    }

    /// <summary>To the address being replaced: what changed and when, with the new address masked (it may be a stranger's).</summary>
    private PersonalNotice AddressChangedNotice(Guid userId, string before, string? after)
    {
        var to = after is null ? "no address" : EmailAddresses.Masked(after);
        return new PersonalNotice(
            $"notification-address:{Guid.NewGuid()}",
            userId,
            new NotificationContent(
                "info",
                "Your VpnPortal notifications go to another address now",
                $"On {time.GetUtcNow():d MMM yyyy HH:mm} UTC the e-mail address your VpnPortal notifications go to was changed from this address to {to}. "
                + "This address gets no more notifications from the portal. If this was not you, sign in to the portal, check your notification settings and contact your helpdesk at once.",
                null,
                [],
                [new NotificationLink("Review your notification settings", PagePath)]),
            ToAddress: before);
    }
}
