using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>
/// Writes notifications to the outbox (decision 0015): one row per channel the recipient has turned on (e-mail when the
/// e-mail channel is set up, in-portal), plus, for a <see cref="Notification"/> about the fleet, one row per enabled
/// webhook for the team, keyed by the source key alone so a team channel hears of each thing once however many people it
/// is sent to. A <see cref="PersonalNotice"/> gets no team rows. Rows join the caller's unit of work; the database skips a
/// (source key, recipient, channel) that is already there, also one another node wrote a moment ago.
/// </summary>
public sealed class NotificationOutbox(TimeProvider time) : INotificationOutbox
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The key every attempt at one outbox message carries (the webhook's Idempotency-Key, the e-mail's Message-ID), so a
    /// receiver can drop the repeat when a send that did arrive is tried again (delivery is at least once).
    /// </summary>
    public static string IdempotencyKey(Guid messageId) => messageId.ToString("D");

    public async Task EnqueueAsync(PortalDbContext db, Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var recipient = await RecipientAsync(db, notification.SourceKey, notification.RecipientUserId, cancellationToken);
        var channels = new List<(Guid Recipient, string Channel)>();
        if (recipient is { Disabled: false })
        {
            if (recipient.Preference.EmailEnabled && recipient.EmailReady)
            {
                channels.Add((notification.RecipientUserId, NotificationChannels.Email));
            }

            if (recipient.Preference.InPortalEnabled)
            {
                channels.Add((notification.RecipientUserId, NotificationChannels.InPortal));
            }
        }

        var webhooks = await db.WebhookChannels.AsNoTracking().Where(w => w.Enabled).Select(w => w.Id).ToListAsync(cancellationToken);
        channels.AddRange(webhooks.Select(id => (NotificationChannels.TeamRecipient, NotificationChannels.Webhook(id))));
        Add(db, notification.SourceKey, notification.AlertId, notification.Content, null, channels);
    }

    public async Task EnqueueAsync(PortalDbContext db, PersonalNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var recipient = await RecipientAsync(db, notice.SourceKey, notice.RecipientUserId, cancellationToken);
        if (recipient is not { Disabled: false })
        {
            return;
        }

        var channels = new List<(Guid Recipient, string Channel)>();
        if (recipient.EmailReady)
        {
            channels.Add((notice.RecipientUserId, NotificationChannels.Email));
        }

        if (recipient.Preference.InPortalEnabled)
        {
            channels.Add((notice.RecipientUserId, NotificationChannels.InPortal));
        }

        Add(db, notice.SourceKey, null, notice.Content, notice.ToAddress, channels);
    }

    private sealed record Recipient(bool Disabled, NotificationPreference Preference, bool EmailReady);

    private static async Task<Recipient?> RecipientAsync(PortalDbContext db, string sourceKey, Guid userId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(sourceKey) || sourceKey.Length > NotificationLimits.SourceKey)
        {
            throw new ArgumentException($"A source key is required and has at most {NotificationLimits.SourceKey} characters.", nameof(sourceKey));
        }

        var disabled = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => (bool?)u.IsDisabled).FirstOrDefaultAsync(ct);
        if (disabled is null)
        {
            return null;
        }

        var preference = await db.NotificationPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, ct)
            ?? new NotificationPreference { UserId = userId };
        var emailReady = await db.SmtpChannelSettings.AsNoTracking().AnyAsync(s => s.Enabled, ct);
        return new Recipient(disabled.Value, preference, emailReady);
    }

    private void Add(PortalDbContext db, string sourceKey, Guid? alertId, NotificationContent content, string? toAddress, IEnumerable<(Guid Recipient, string Channel)> channels)
    {
        var now = time.GetUtcNow();
        var json = JsonSerializer.Serialize(content, Json);
        foreach (var (to, channel) in channels)
        {
            db.NotificationOutbox.Add(new NotificationOutboxMessage
            {
                Id = Guid.NewGuid(),
                SourceKey = sourceKey,
                AlertId = alertId,
                RecipientUserId = to,
                Channel = channel,
                ToAddress = channel == NotificationChannels.Email ? toAddress : null,
                ContentJson = json,
                State = OutboxState.Pending,
                CreatedAt = now,
                NextAttemptAt = now,
            });
        }
    }

    public async Task<IReadOnlyList<NotificationDeliveryView>> HistoryAsync(PortalDbContext db, Guid alertId, CancellationToken cancellationToken)
    {
        var rows = await db.NotificationOutbox.AsNoTracking()
            .Where(m => m.AlertId == alertId)
            .OrderBy(m => m.CreatedAt)
            .Select(m => new { m.Id, m.SourceKey, m.RecipientUserId, m.Channel, m.State, m.Attempts, m.LastError, m.CreatedAt, m.DeliveredAt })
            .ToListAsync(cancellationToken);
        var userIds = rows.Select(r => r.RecipientUserId).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
        var webhooks = await db.WebhookChannels.AsNoTracking().ToDictionaryAsync(w => w.Id, w => w.Name, cancellationToken);
        return rows
            .Select(r => new NotificationDeliveryView(
                r.Id, r.SourceKey, r.RecipientUserId,
                NotificationChannels.WebhookId(r.Channel) is { } hook
                    ? $"team ({(webhooks.TryGetValue(hook, out var name) ? name : "removed webhook")})"
                    : users.GetValueOrDefault(r.RecipientUserId, "removed user"),
                ChannelLabel(r.Channel, webhooks), r.State.ToString(), r.Attempts, r.LastError, r.CreatedAt, r.DeliveredAt))
            .OrderBy(v => v.CreatedAt).ThenBy(v => v.SourceKey, StringComparer.Ordinal).ThenBy(v => v.Channel, StringComparer.Ordinal)
            .ToList();
    }

    internal static string ChannelLabel(string channel, IReadOnlyDictionary<Guid, string> webhooks) => channel switch
    {
        NotificationChannels.Email => "e-mail",
        NotificationChannels.InPortal => "in-portal",
        _ when NotificationChannels.WebhookId(channel) is { } id => $"webhook {webhooks.GetValueOrDefault(id, id.ToString())}",
        _ => channel,
    };
}
