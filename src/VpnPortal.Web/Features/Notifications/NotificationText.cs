using System.Globalization;
using System.Net;
using System.Text;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>A link with its absolute address.</summary>
public sealed record RenderedLink(string Text, string Url);

/// <summary>A notification rendered for one recipient at the moment of sending.</summary>
public sealed record RenderedNotification(
    string Severity,
    string Subject,
    string Summary,
    string? Expiry,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> InstalledOn,
    IReadOnlyList<RenderedLink> Links,
    string TimeZoneId)
{
    /// <summary>The message as plain text (e-mail, in-portal list).</summary>
    public string Text()
    {
        var b = new StringBuilder();
        b.AppendLine(Summary);
        if (Expiry is not null)
        {
            b.AppendLine().Append("Expires: ").AppendLine(Expiry);
        }

        if (InstalledOn.Count > 0)
        {
            b.AppendLine().AppendLine("Installed on:");
            foreach (var place in InstalledOn)
            {
                b.Append("  - ").AppendLine(place);
            }
        }

        if (Links.Count > 0)
        {
            b.AppendLine();
            foreach (var link in Links)
            {
                b.Append(link.Text).Append(": ").AppendLine(link.Url);
            }
        }

        b.AppendLine().Append("Severity: ").AppendLine(Severity);
        return b.ToString();
    }

    /// <summary>The same as simple HTML for mail clients that show it.</summary>
    public string Html()
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var b = new StringBuilder();
        b.Append("<html><body style=\"font-family:sans-serif\">");
        b.Append("<p>").Append(E(Summary)).Append("</p>");
        if (Expiry is not null)
        {
            b.Append("<p><strong>Expires:</strong> ").Append(E(Expiry)).Append("</p>");
        }

        if (InstalledOn.Count > 0)
        {
            b.Append("<p><strong>Installed on:</strong></p><ul>");
            foreach (var place in InstalledOn)
            {
                b.Append("<li>").Append(E(place)).Append("</li>");
            }

            b.Append("</ul>");
        }

        foreach (var link in Links)
        {
            b.Append("<p><a href=\"").Append(E(link.Url)).Append("\">").Append(E(link.Text)).Append("</a></p>");
        }

        b.Append("<p style=\"color:#666\">Severity: ").Append(E(Severity)).Append("</p></body></html>");
        return b.ToString();
    }
}

/// <summary>Turns channel-independent content into what a person reads: times in their zone and relative to now, absolute links.</summary>
public static class NotificationText
{
    public static RenderedNotification Render(NotificationContent content, DateTimeOffset now, TimeZoneInfo zone, string zoneId, string? baseUrl)
    {
        var expiry = content.ExpiresAt is { } at ? Expiry(at, now, zone, zoneId) : null;
        var links = content.Links.Select(l => new RenderedLink(l.Text, Absolute(baseUrl, l.Path))).ToList();
        return new RenderedNotification(content.Severity, content.Subject, content.Summary, expiry, content.ExpiresAt, content.InstalledOn, links, zoneId);
    }

    /// <summary>"in 14 days, on Tue 8 Dec 2026 09:00 (Europe/London)", or "3 days ago, on ..." once it has passed.</summary>
    public static string Expiry(DateTimeOffset at, DateTimeOffset now, TimeZoneInfo zone, string zoneId)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var when = local.ToString("ddd d MMM yyyy HH:mm", CultureInfo.InvariantCulture);
        return $"{Relative(at - now)}, on {when} ({zoneId})";
    }

    public static string Relative(TimeSpan until)
    {
        var past = until < TimeSpan.Zero;
        var span = past ? -until : until;
        string amount;
        if (span.TotalDays >= 1)
        {
            var days = (int)span.TotalDays;
            amount = days == 1 ? "1 day" : $"{days} days";
        }
        else if (span.TotalHours >= 1)
        {
            var hours = (int)span.TotalHours;
            amount = hours == 1 ? "1 hour" : $"{hours} hours";
        }
        else if (span.TotalMinutes >= 1)
        {
            var minutes = (int)span.TotalMinutes;
            amount = minutes == 1 ? "1 minute" : $"{minutes} minutes";
        }
        else
        {
            return past ? "just now" : "now";
        }

        return past ? $"{amount} ago" : $"in {amount}";
    }

    /// <summary>The path under the public base URL; left as it is when no base URL is configured.</summary>
    public static string Absolute(string? baseUrl, string path)
    {
        if (Uri.TryCreate(path, UriKind.Absolute, out var already) && already.Scheme is "http" or "https")
        {
            return path;
        }

        return string.IsNullOrWhiteSpace(baseUrl) ? path : $"{baseUrl.TrimEnd('/')}/{path.TrimStart('/')}";
    }

    /// <summary>The zone of an IANA or Windows id; UTC when blank or unknown here (the caller shows the id it used).</summary>
    public static (TimeZoneInfo Zone, string Id) Zone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone) ? (zone, id.Trim()) : (TimeZoneInfo.Utc, "UTC");
}
