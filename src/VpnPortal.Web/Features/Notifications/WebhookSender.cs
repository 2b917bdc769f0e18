using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>
/// Posts a notification to a webhook in its format: generic JSON, a Teams MessageCard, or Slack text + blocks. The URL
/// carries the channel's secret (Teams and Slack put it in the path), so nothing here says more of it than its host.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients)
{
    public const string HttpClientName = "notifications";

    /// <summary>The header that carries a message's idempotency key (draft-ietf-httpapi-idempotency-key-header).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>
    /// Posts and returns the answer's status line ("HTTP 200 OK"); a non-success answer (a redirect included: they are not
    /// followed), a refused target or a network failure throws a <see cref="NotificationSendException"/> saying the same.
    /// The answer's body is never read: what a webhook (or whatever a redirect pointed at) says stays out of the page,
    /// the audit log and the attempt record.
    /// </summary>
    public async Task<string> SendAsync(WebhookFormat format, string url, string sourceKey, string idempotencyKey, RenderedNotification message, TimeSpan timeout, CancellationToken ct)
    {
        var host = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : "the webhook";
        var body = Payload(format, sourceKey, message).ToJsonString();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            // A structured-field string, as the draft writes it: the same on every retry of the message.
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, $"\"{idempotencyKey}\"");
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = StatusLine(response.StatusCode);
            return response.IsSuccessStatusCode ? status : throw new NotificationSendException($"{host} answered {status}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new NotificationSendException($"{host} did not answer within {timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException e) when (e.InnerException is NotificationSendException refused)
        {
            throw new NotificationSendException(refused.Message, refused);
        }
        catch (Exception e) when (e is not NotificationSendException and not OperationCanceledException)
        {
            throw new NotificationSendException($"Could not post to {host}: {WithoutSecret(e.Message, url, uri)}");
        }
    }

    /// <summary>Network errors name host and port, not the path; the URL is taken out all the same, should one ever quote it.</summary>
    private static string WithoutSecret(string text, string url, Uri? uri)
    {
        if (url.Length > 0)
        {
            text = text.Replace(url, "…", StringComparison.Ordinal);
        }

        if (uri is not null)
        {
            text = text.Replace(uri.AbsoluteUri, "…", StringComparison.Ordinal);
            if (uri.PathAndQuery.Length > 1)
            {
                text = text.Replace(uri.PathAndQuery, "/…", StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>"HTTP 404 Not Found": the code and its standard phrase, not the phrase the server chose to send.</summary>
    public static string StatusLine(HttpStatusCode status) =>
        $"HTTP {(int)status} {ReasonPhrases.GetReasonPhrase((int)status)}".TrimEnd();

    public static JsonObject Payload(WebhookFormat format, string sourceKey, RenderedNotification m) => format switch
    {
        WebhookFormat.Teams => Teams(m),
        WebhookFormat.Slack => Slack(m),
        _ => Generic(sourceKey, m),
    };

    private static JsonObject Generic(string sourceKey, RenderedNotification m) => new()
    {
        ["source"] = "vpnportal",
        ["sourceKey"] = sourceKey,
        ["severity"] = m.Severity,
        ["subject"] = m.Subject,
        ["summary"] = m.Summary,
        ["expiresAt"] = m.ExpiresAt?.ToUniversalTime().ToString("O"),
        ["expires"] = m.Expiry,
        ["timeZone"] = m.TimeZoneId,
        ["installedOn"] = new JsonArray(m.InstalledOn.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
        ["links"] = new JsonArray(m.Links.Select(l => (JsonNode?)new JsonObject { ["text"] = l.Text, ["url"] = l.Url }).ToArray()),
    };

    /// <summary>The legacy actionable MessageCard, which Teams incoming webhooks (and Workflows' webhook trigger) accept.</summary>
    private static JsonObject Teams(RenderedNotification m)
    {
        var facts = new JsonArray();
        if (m.Expiry is not null)
        {
            facts.Add(new JsonObject { ["name"] = "Expires", ["value"] = m.Expiry });
        }

        if (m.InstalledOn.Count > 0)
        {
            facts.Add(new JsonObject { ["name"] = "Installed on", ["value"] = string.Join(", ", m.InstalledOn) });
        }

        facts.Add(new JsonObject { ["name"] = "Severity", ["value"] = m.Severity });
        return new JsonObject
        {
            ["@type"] = "MessageCard",
            ["@context"] = "https://schema.org/extensions",
            ["summary"] = m.Subject,
            ["themeColor"] = ThemeColor(m.Severity),
            ["title"] = m.Subject,
            ["text"] = m.Summary,
            ["sections"] = new JsonArray(new JsonObject { ["facts"] = facts }),
            ["potentialAction"] = new JsonArray(m.Links.Select(l => (JsonNode?)new JsonObject
            {
                ["@type"] = "OpenUri",
                ["name"] = l.Text,
                ["targets"] = new JsonArray(new JsonObject { ["os"] = "default", ["uri"] = l.Url }),
            }).ToArray()),
        };
    }

    /// <summary>Slack incoming webhook: "text" is the notification fallback, "blocks" the message people see.</summary>
    private static JsonObject Slack(RenderedNotification m)
    {
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Cut(m.Subject, 150) } },
            new JsonObject { ["type"] = "section", ["text"] = Mrkdwn(SlackEscape(m.Summary)) },
        };
        var fields = new JsonArray();
        if (m.Expiry is not null)
        {
            fields.Add(Mrkdwn($"*Expires*\n{SlackEscape(m.Expiry)}"));
        }

        if (m.InstalledOn.Count > 0)
        {
            fields.Add(Mrkdwn($"*Installed on*\n{SlackEscape(string.Join(", ", m.InstalledOn))}"));
        }

        fields.Add(Mrkdwn($"*Severity*\n{SlackEscape(m.Severity)}"));
        blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = fields });
        if (m.Links.Count > 0)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray(m.Links.Select(l => (JsonNode?)new JsonObject
                {
                    ["type"] = "button",
                    ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Cut(l.Text, 75) },
                    ["url"] = l.Url,
                }).ToArray()),
            });
        }

        return new JsonObject { ["text"] = $"{m.Subject}: {m.Summary}", ["blocks"] = blocks };
    }

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    /// <summary>Slack's three control characters in text it formats.</summary>
    private static string SlackEscape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string ThemeColor(string severity) => severity.ToLowerInvariant() switch
    {
        "critical" or "expired" => "D13438",
        "warning" => "FFB900",
        _ => "0078D7",
    };
}
