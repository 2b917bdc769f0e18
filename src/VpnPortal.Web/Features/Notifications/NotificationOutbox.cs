using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>
/// Writes notifications to the outbox (decision 0014): one row per channel the recipient has turned on (e-mail when the
/// e-mail channel is set up, in-portal), plus one row per enabled webhook for the team, keyed by the source key alone so a
/// team channel hears of each thing once however many people it is sent to. Rows join the caller's unit of work; the
/// database skips a (source key, recipient, channel) that is already there, also one another node wrote a moment ago.
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
        if (string.IsNullOrWhiteSpace(notification.SourceKey) || notification.SourceKey.Length > NotificationLimits.SourceKey)
        {
            throw new ArgumentException($"A source key is required and has at most {NotificationLimits.SourceKey} characters.", nameof(notification));
        }

        var recipient = await db.Users.AsNoTracking()
            .Where(u => u.Id == notification.RecipientUserId)
            .Select(u => new { u.IsDisabled })
            .FirstOrDefaultAsync(cancellationToken);
        var preference = await db.NotificationPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == notification.RecipientUserId, cancellationToken)
            ?? new NotificationPreference { UserId = notification.RecipientUserId };
        var emailReady = await db.SmtpChannelSettings.AsNoTracking().AnyAsync(s => s.Enabled, cancellationToken);
        var webhooks = await db.WebhookChannels.AsNoTracking().Where(w => w.Enabled).Select(w => w.Id).ToListAsync(cancellationToken);

        var channels = new List<(Guid Recipient, string Channel)>();
        if (recipient is { IsDisabled: false })
        {
            if (preference.EmailEnabled && emailReady)
            {
                channels.Add((notification.RecipientUserId, NotificationChannels.Email));
            }

            if (preference.InPortalEnabled)
            {
                channels.Add((notification.RecipientUserId, NotificationChannels.InPortal));
            }
        }

        channels.AddRange(webhooks.Select(id => (NotificationChannels.TeamRecipient, NotificationChannels.Webhook(id))));

        var now = time.GetUtcNow();
        var content = JsonSerializer.Serialize(notification.Content, Json);
        foreach (var (to, channel) in channels)
        {
            db.NotificationOutbox.Add(new NotificationOutboxMessage
            {
                Id = Guid.NewGuid(),
                SourceKey = notification.SourceKey,
                AlertId = notification.AlertId,
                RecipientUserId = to,
                Channel = channel,
                ContentJson = content,
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
