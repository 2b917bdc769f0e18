using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>
/// The admins' channel settings: the SMTP relay (its password write-only: stored encrypted, never shown or logged) and
/// the team webhooks (their URLs carry tokens, so they are write-only too), plus "Send test" reporting the real outcome.
/// </summary>
public sealed class ChannelSettings(
    PortalDbContext db,
    NotificationSecrets secrets,
    NotificationDispatch dispatch,
    EmailSender email,
    WebhookSender webhooks,
    NotificationTargets targets,
    IOptions<NotificationOptions> options,
    TimeProvider time)
{
    public sealed record SmtpView(
        bool Enabled, string Host, int Port, SmtpSecurity Security, string? UserName, bool HasPassword, string FromAddress, string? TrustedCertificateSha256, Guid? Version,
        bool AllowPasswordWithoutTls = false);

    /// <summary>An edit of the relay: <see cref="NewPassword"/> replaces the stored one when given, <see cref="ClearPassword"/> removes it; otherwise it is kept.</summary>
    public sealed record SmtpInput(
        bool Enabled, string? Host, int Port, SmtpSecurity Security, string? UserName, string? NewPassword, bool ClearPassword, string? FromAddress, string? TrustedCertificateSha256, Guid? Version,
        bool AllowPasswordWithoutTls = false);

    public sealed record WebhookView(Guid Id, string Name, WebhookFormat Format, string UrlHint, bool Enabled, Guid Version);

    public sealed record View(SmtpView Smtp, IReadOnlyList<WebhookView> Webhooks);

    /// <summary>What a test send did: the relay's or the webhook's own answer.</summary>
    public sealed record TestResult(bool Succeeded, string Detail);

    public async Task<View> GetAsync(CancellationToken ct = default)
    {
        var s = await db.SmtpChannelSettings.AsNoTracking().FirstOrDefaultAsync(ct);
        var smtp = s is null
            ? new SmtpView(false, "", 587, SmtpSecurity.StartTls, null, false, "", null, null)
            : new SmtpView(s.Enabled, s.Host, s.Port, s.Security, s.UserName, s.ProtectedPassword is { Length: > 0 }, s.FromAddress, s.TrustedCertificateSha256, s.Version, s.AllowPasswordWithoutTls);
        var hooks = await db.WebhookChannels.AsNoTracking().OrderBy(w => w.Name)
            .Select(w => new WebhookView(w.Id, w.Name, w.Format, w.UrlHint, w.Enabled, w.Version))
            .ToListAsync(ct);
        return new View(smtp, hooks);
    }

    public async Task<CommandResult> SaveSmtpAsync(SmtpInput input, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        var host = input.Host?.Trim() ?? "";
        if (host.Length == 0 && input.Enabled)
        {
            errors["Host"] = "Give the relay's host name or address.";
        }
        else if (host.Length > FieldLimits.Fqdn || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors["Host"] = "That is not a host name.";
        }
        else if (targets.SaveTimeRefusal(host) is { } refused)
        {
            errors["Host"] = refused;
        }

        if (input.Port is < 1 or > 65535)
        {
            errors["Port"] = "The port is between 1 and 65535 (587 for STARTTLS submission, 465 for TLS, 25 for a relay).";
        }

        var from = input.FromAddress?.Trim() ?? "";
        if ((from.Length > 0 || input.Enabled) && (from.Length > FieldLimits.Principal || !MailAddress.TryCreate(from, out var parsed) || parsed.Address != from))
        {
            errors["FromAddress"] = "Give the sender address, e.g. vpnportal@corp.example.";
        }

        var user = string.IsNullOrWhiteSpace(input.UserName) ? null : input.UserName.Trim();
        if (user?.Length > FieldLimits.Principal)
        {
            errors["UserName"] = $"The user name has at most {FieldLimits.Principal} characters.";
        }

        var pin = string.IsNullOrWhiteSpace(input.TrustedCertificateSha256) ? null : input.TrustedCertificateSha256.Replace(":", "").Replace(" ", "").ToUpperInvariant();
        if (pin is not null && (pin.Length != 64 || !pin.All(Uri.IsHexDigit)))
        {
            errors["TrustedCertificateSha256"] = "A SHA-256 thumbprint is 64 hexadecimal characters.";
        }

        if (!Enum.IsDefined(input.Security))
        {
            errors["Security"] = "Choose STARTTLS, TLS or none.";
        }
        else if (EmailSender.CredentialsRefusal(input.Security, user, input.AllowPasswordWithoutTls) is { } refusal)
        {
            errors["Security"] = char.ToUpperInvariant(refusal[0]) + refusal[1..] + ".";
        }

        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        var row = await db.SmtpChannelSettings.FirstOrDefaultAsync(ct);
        if (row is null)
        {
            if (input.Version is not null)
            {
                return CommandResult.Conflict();
            }

            row = new SmtpChannelSettings { Id = SmtpChannelSettings.SingletonId };
            db.SmtpChannelSettings.Add(row);
        }
        else
        {
            if (input.Version is not { } seen)
            {
                return CommandResult.Conflict();
            }

            db.Entry(row).Property(r => r.Version).OriginalValue = seen;
        }

        row.Enabled = input.Enabled;
        row.Host = host;
        row.Port = input.Port;
        row.Security = input.Security;
        row.UserName = user;
        row.AllowPasswordWithoutTls = input.AllowPasswordWithoutTls && input.Security == SmtpSecurity.None && user is not null;
        row.FromAddress = from;
        row.TrustedCertificateSha256 = pin;
        if (!string.IsNullOrEmpty(input.NewPassword))
        {
            row.ProtectedPassword = secrets.Protect(input.NewPassword);
            db.Audit("notification-channel.smtp-password-set", "Set a new SMTP relay password", "smtp-settings", row.Id.ToString());
        }
        else if (input.ClearPassword && row.ProtectedPassword is not null)
        {
            row.ProtectedPassword = null;
            db.Audit("notification-channel.smtp-password-cleared", "Removed the SMTP relay password", "smtp-settings", row.Id.ToString());
        }

        return await CommandResult.SaveAsync(db, () => CommandResult.Ok(row.Id, row.Version), ct);
    }

    public async Task<CommandResult> AddWebhookAsync(string? name, WebhookFormat format, string? url, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > FieldLimits.Name || name.Any(char.IsControl))
        {
            errors["Name"] = $"Give the channel a name of at most {FieldLimits.Name} characters, e.g. \"Ops Teams channel\".";
        }
        else if (await db.WebhookChannels.AnyAsync(w => w.Name == name, ct))
        {
            errors["Name"] = $"There is already a webhook named \"{name}\".";
        }

        url = url?.Trim();
        if (url is null || url.Length > NotificationLimits.Url || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            errors["Url"] = "Give the webhook's full https:// address, as Teams or Slack shows it.";
        }
        else if (targets.SaveTimeRefusal(uri.Host) is { } refused)
        {
            errors["Url"] = refused;
        }

        if (!Enum.IsDefined(format))
        {
            errors["Format"] = "Choose generic JSON, Microsoft Teams or Slack.";
        }

        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        var row = new WebhookChannel
        {
            Id = Guid.NewGuid(),
            Name = name!,
            Format = format,
            ProtectedUrl = secrets.Protect(url!),
            UrlHint = new Uri(url!).GetLeftPart(UriPartial.Authority) + "/…",
            Enabled = true,
            CreatedAt = time.GetUtcNow(),
        };
        db.WebhookChannels.Add(row);
        return await CommandResult.SaveAsync(db, () => CommandResult.Ok(row.Id, row.Version), ct);
    }

    public async Task<CommandResult> SetWebhookEnabledAsync(Guid id, bool enabled, Guid version, CancellationToken ct = default)
    {
        var row = await db.WebhookChannels.FirstOrDefaultAsync(w => w.Id == id, ct);
        if (row is null)
        {
            return CommandResult.NotFound();
        }

        db.Entry(row).Property(w => w.Version).OriginalValue = version;
        row.Enabled = enabled;
        return await CommandResult.SaveAsync(db, () => CommandResult.Ok(row.Id, row.Version), ct);
    }

    public async Task<CommandResult> RemoveWebhookAsync(Guid id, Guid version, CancellationToken ct = default)
    {
        var row = await db.WebhookChannels.FirstOrDefaultAsync(w => w.Id == id, ct);
        if (row is null)
        {
            return CommandResult.NotFound();
        }

        db.Entry(row).Property(w => w.Version).OriginalValue = version;
        db.WebhookChannels.Remove(row);
        return await CommandResult.SaveAsync(db, () => CommandResult.Ok(id), ct);
    }

    /// <summary>Sends a test message by e-mail to <paramref name="to"/>, straight away (not through the outbox), and says what happened.</summary>
    public async Task<TestResult> SendTestEmailAsync(string? to, AuditActor actor, CancellationToken ct = default)
    {
        var smtp = await db.SmtpChannelSettings.AsNoTracking().FirstOrDefaultAsync(ct);
        if (smtp is null || string.IsNullOrWhiteSpace(smtp.Host))
        {
            return new TestResult(false, "Save the relay's settings first.");
        }

        if (string.IsNullOrWhiteSpace(to) || !MailAddress.TryCreate(to.Trim(), out _))
        {
            return new TestResult(false, "Give the address to send the test to.");
        }

        return await RecordAsync("e-mail", () => TestEmailAsync(smtp, to.Trim(), actor, ct), ct);
    }

    public async Task<TestResult> SendTestWebhookAsync(Guid id, AuditActor actor, CancellationToken ct = default)
    {
        var hook = await db.WebhookChannels.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (hook is null)
        {
            return new TestResult(false, "That webhook no longer exists.");
        }

        return await RecordAsync($"webhook {hook.Name}", async () =>
        {
            var key = Guid.NewGuid().ToString("D");
            var answer = await webhooks.SendAsync(hook.Format, secrets.Unprotect(hook.ProtectedUrl), $"test:{key}", key, Test(actor, "UTC"), Timeout, ct);
            return $"Posted: {hook.UrlHint} answered {answer}";
        }, ct);
    }

    private TimeSpan Timeout => TimeSpan.FromSeconds(options.Value.SendTimeoutSeconds);

    private async Task<string> TestEmailAsync(SmtpChannelSettings smtp, string to, AuditActor actor, CancellationToken ct)
    {
        await email.SendAsync(smtp, dispatch.Password(smtp), to, Guid.NewGuid().ToString("D"), Test(actor, "UTC"), Timeout, ct);
        return $"Sent: {smtp.Host}:{smtp.Port} accepted the test message for {to}.";
    }

    private async Task<TestResult> RecordAsync(string channel, Func<Task<string>> send, CancellationToken ct)
    {
        TestResult result;
        try
        {
            result = new TestResult(true, await send());
        }
        catch (NotificationSendException e)
        {
            result = new TestResult(false, e.Message);
        }

        db.Audit("notification-channel.tested", $"Sent a test on the {channel} channel: {(result.Succeeded ? "delivered" : "failed")}", "notification-channel", channel, after: new { result.Succeeded, result.Detail });
        await db.SaveChangesAsync(ct);
        return result;
    }

    private RenderedNotification Test(AuditActor actor, string zone) => dispatch.Render(
        new NotificationContent(
            "info",
            "VpnPortal test message",
            $"{actor.Name} sent this test from the notification settings. Certificate alerts will look like this.",
            time.GetUtcNow().AddDays(14),
            ["VPN01 (Local Computer\\Personal), an example"],
            [new NotificationLink("Notification settings", "/settings/notifications")]),
        zone);
}
