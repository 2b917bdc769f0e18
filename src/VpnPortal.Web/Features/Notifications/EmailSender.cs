using System.Net;
using System.Net.Mail;
using System.Net.Security;
using System.Security.Cryptography;
using System.Text;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>
/// Sends mail through the configured relay with System.Net.Mail: STARTTLS when asked (System.Net.Mail has no implicit
/// TLS on 465), AUTH with the stored user name and password. An SMTP failure becomes a <see cref="NotificationSendException"/>
/// carrying the server's answer; the password never appears in it.
/// </summary>
public sealed class EmailSender
{
    /// <summary>The relay certificate pinned for the send in progress (an internal relay whose CA the host does not trust).</summary>
    private static readonly AsyncLocal<string?> PinnedSha256 = new();

    static EmailSender()
    {
        // System.Net.Mail validates the relay's certificate only through this process-wide callback. Default validation
        // is kept for everyone; a pinned certificate is accepted only during a send that pinned it.
#pragma warning disable SYSLIB0014 // ServicePointManager is obsolete for HTTP, but it is still how SmtpClient takes a validation callback.
        var previous = ServicePointManager.ServerCertificateValidationCallback;
        ServicePointManager.ServerCertificateValidationCallback = (sender, certificate, chain, errors) =>
            errors == SslPolicyErrors.None
            || PinnedSha256.Value is { } pin && certificate is not null && Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())).Equals(pin, StringComparison.OrdinalIgnoreCase)
            || previous?.Invoke(sender, certificate, chain, errors) == true;
#pragma warning restore SYSLIB0014
    }

    public async Task SendAsync(SmtpChannelSettings settings, string? password, string to, RenderedNotification message, TimeSpan timeout, CancellationToken ct)
    {
        using var mail = new MailMessage
        {
            From = new MailAddress(settings.FromAddress, "VpnPortal"),
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            Body = message.Text(),
            BodyEncoding = Encoding.UTF8,
            IsBodyHtml = false,
        };
        mail.To.Add(new MailAddress(to));
        mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.Html(), Encoding.UTF8, "text/html"));
        await SendAsync(settings, password, mail, timeout, ct);
    }

    private static async Task SendAsync(SmtpChannelSettings settings, string? password, MailMessage mail, TimeSpan timeout, CancellationToken ct)
    {
        using var client = new SmtpClient(settings.Host, settings.Port)
        {
            DeliveryMethod = SmtpDeliveryMethod.Network,
            EnableSsl = settings.Security == SmtpSecurity.StartTls,
            Timeout = (int)timeout.TotalMilliseconds,
            UseDefaultCredentials = false,
        };
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            client.Credentials = new NetworkCredential(settings.UserName, password ?? "");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        PinnedSha256.Value = string.IsNullOrWhiteSpace(settings.TrustedCertificateSha256) ? null : settings.TrustedCertificateSha256.Trim();
        try
        {
            await client.SendMailAsync(mail, deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new NotificationSendException($"{settings.Host}:{settings.Port} did not answer within {timeout.TotalSeconds:0} s.");
        }
        catch (SmtpException e)
        {
            throw new NotificationSendException(Describe(settings, e), e);
        }
        finally
        {
            PinnedSha256.Value = null;
        }
    }

    /// <summary>The SMTP status and the server's own words, plus the underlying network or TLS error if there was one.</summary>
    private static string Describe(SmtpChannelSettings settings, SmtpException e)
    {
        var b = new StringBuilder($"SMTP {settings.Host}:{settings.Port}: {e.Message}");
        if (e.StatusCode != SmtpStatusCode.GeneralFailure)
        {
            b.Append($" (status {(int)e.StatusCode} {e.StatusCode})");
        }

        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            b.Append(" — ").Append(inner.Message);
        }

        return b.ToString();
    }
}

/// <summary>A channel refused or failed a message; the message is shown to admins and kept with the attempt.</summary>
public sealed class NotificationSendException(string message, Exception? inner = null) : Exception(message, inner);
