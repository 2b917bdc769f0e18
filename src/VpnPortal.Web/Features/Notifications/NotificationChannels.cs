namespace VpnPortal.Web.Features.Notifications;

/// <summary>The channel names an outbox row carries.</summary>
public static class NotificationChannels
{
    public const string Email = "email";
    public const string InPortal = "in-portal";
    public const string WebhookPrefix = "webhook:";

    public static string Webhook(Guid id) => WebhookPrefix + id.ToString("D");

    public static Guid? WebhookId(string channel) =>
        channel.StartsWith(WebhookPrefix, StringComparison.Ordinal) && Guid.TryParse(channel[WebhookPrefix.Length..], out var id) ? id : null;

    /// <summary>Team channels are delivered once per source key; this stands in for "the team" as the recipient.</summary>
    public static readonly Guid TeamRecipient = Guid.Empty;
}
