using System.ComponentModel.DataAnnotations;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>Settings under "Notifications": where links point, and how the outbox retries.</summary>
public sealed class NotificationOptions : IValidatableObject
{
    public const string Section = "Notifications";

    /// <summary>The portal's public address, the base of every link a message carries (e.g. https://vpnportal.corp.example).</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>A message still failing after this many attempts is given up.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failure; it doubles after each further failure, up to <see cref="RetryMaxSeconds"/>.</summary>
    [Range(1, 86400)]
    public int RetryBaseSeconds { get; set; } = 30;

    [Range(1, 86400)]
    public int RetryMaxSeconds { get; set; } = 3600;

    /// <summary>How often the worker looks for due messages.</summary>
    [Range(1, 3600)]
    public int PollSeconds { get; set; } = 5;

    /// <summary>How long a node holds a claimed message; a node that dies mid-send leaves it to others after this.</summary>
    [Range(10, 3600)]
    public int LeaseSeconds { get; set; } = 120;

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 20;

    /// <summary>
    /// Whether webhooks and the mail relay may be on a private network (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7):
    /// off, the portal sends only to public addresses; loopback, link-local (cloud metadata) and the like are refused always.
    /// </summary>
    public bool AllowPrivateNetworkTargets { get; set; }

    /// <summary>Webhook and SMTP calls give up after this long (counted as a failed attempt).</summary>
    [Range(1, 300)]
    public int SendTimeoutSeconds { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicBaseUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            yield return new ValidationResult("Notifications:PublicBaseUrl must be an absolute http(s) URL, e.g. https://vpnportal.corp.example.", [nameof(PublicBaseUrl)]);
        }

        if (RetryMaxSeconds < RetryBaseSeconds)
        {
            yield return new ValidationResult("Notifications:RetryMaxSeconds must be at least Notifications:RetryBaseSeconds.", [nameof(RetryMaxSeconds)]);
        }

        // A send that outlives its lease could be taken and sent again by another node.
        if (LeaseSeconds <= SendTimeoutSeconds)
        {
            yield return new ValidationResult("Notifications:LeaseSeconds must be longer than Notifications:SendTimeoutSeconds.", [nameof(LeaseSeconds)]);
        }
    }

    /// <summary>The wait before attempt <paramref name="failedAttempts"/> + 1: base, then doubling, capped.</summary>
    public TimeSpan Backoff(int failedAttempts)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var seconds = Math.Min((double)RetryMaxSeconds, RetryBaseSeconds * Math.Pow(2, exponent));
        return TimeSpan.FromSeconds(seconds);
    }
}
