using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>
/// Sends one outbox message on its channel: renders it for its recipient (their time zone, or the rota's for a team
/// channel) at the moment of sending, then e-mails it, posts it, or adds it to the recipient's in-portal list (in
/// the context's pending changes, saved by the caller with the message's new state). E-mail and webhooks carry the
/// message's idempotency key, the same on every attempt.
/// </summary>
public sealed class NotificationDispatch(EmailSender email, WebhookSender webhooks, NotificationSecrets secrets, TimeProvider time, IOptions<NotificationOptions> options, IConfiguration configuration)
{
    /// <summary>The base of absolute links: Notifications:PublicBaseUrl, else the first-admin link's Setup:PublicBaseUrl.</summary>
    public string? BaseUrl => options.Value.PublicBaseUrl is { Length: > 0 } url ? url : configuration["Setup:PublicBaseUrl"];

    private TimeSpan Timeout => TimeSpan.FromSeconds(options.Value.SendTimeoutSeconds);

    public async Task SendAsync(PortalDbContext db, NotificationOutboxMessage message, CancellationToken ct)
    {
        var content = JsonSerializer.Deserialize<NotificationContent>(message.ContentJson, NotificationOutbox.Json)
            ?? throw new NotificationSendException("The stored content is empty.");
        if (NotificationChannels.WebhookId(message.Channel) is { } webhookId)
        {
            var hook = await db.WebhookChannels.AsNoTracking().FirstOrDefaultAsync(w => w.Id == webhookId, ct)
                ?? throw new NotificationSendException("The webhook channel was removed.");
            if (!hook.Enabled)
            {
                throw new NotificationSendException($"The webhook channel {hook.Name} is turned off.");
            }

            var rotaZone = await db.OnCallRotations.AsNoTracking().Select(r => r.TimeZoneId).FirstOrDefaultAsync(ct);
            await webhooks.SendAsync(hook.Format, secrets.Unprotect(hook.ProtectedUrl), message.SourceKey, NotificationOutbox.IdempotencyKey(message.Id), Render(content, rotaZone), Timeout, ct);
            return;
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == message.RecipientUserId, ct)
            ?? throw new NotificationSendException("The recipient's account was removed.");
        var preference = await db.NotificationPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == user.Id, ct);
        var rendered = Render(content, preference?.TimeZoneId);
        switch (message.Channel)
        {
            case NotificationChannels.InPortal:
                AddToList(db, message, rendered);
                break;
            case NotificationChannels.Email:
                var smtp = await db.SmtpChannelSettings.AsNoTracking().FirstOrDefaultAsync(ct);
                if (smtp is not { Enabled: true })
                {
                    throw new NotificationSendException("The e-mail channel is not set up or is turned off.");
                }

                var to = message.ToAddress ?? (preference?.EmailAddress is { Length: > 0 } over ? over : user.Email);
                if (string.IsNullOrWhiteSpace(to))
                {
                    throw new NotificationSendException($"{user.DisplayName} has no e-mail address.");
                }

                await email.SendAsync(smtp, Password(smtp), to, NotificationOutbox.IdempotencyKey(message.Id), rendered, Timeout, ct);
                break;
            default:
                throw new NotificationSendException($"Unknown channel {message.Channel}.");
        }
    }

    public RenderedNotification Render(NotificationContent content, string? timeZoneId)
    {
        var (zone, id) = NotificationText.Zone(timeZoneId);
        return NotificationText.Render(content, time.GetUtcNow(), zone, id, BaseUrl);
    }

    public string? Password(SmtpChannelSettings smtp) => smtp.ProtectedPassword is { Length: > 0 } p ? secrets.Unprotect(p) : null;

    private void AddToList(PortalDbContext db, NotificationOutboxMessage message, RenderedNotification rendered) =>
        db.PortalNotifications.Add(new PortalNotification
        {
            Id = Guid.NewGuid(),
            UserId = message.RecipientUserId,
            OutboxMessageId = message.Id,
            AlertId = message.AlertId,
            Severity = rendered.Severity,
            Subject = rendered.Subject,
            Body = rendered.Text(),
            LinksJson = JsonSerializer.Serialize(rendered.Links, NotificationOutbox.Json),
            CreatedAt = time.GetUtcNow(),
        });
}
