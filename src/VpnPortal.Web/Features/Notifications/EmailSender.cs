using System.Net;
using System.Net.Mail;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>
/// Sends mail through the configured relay with System.Net.Mail: STARTTLS when asked (System.Net.Mail has no implicit
/// TLS on 465), AUTH with the stored user name and password. The relay's host is resolved and judged here and the client
/// connects to the address that passed (System.Net.Mail would resolve it again otherwise); the relay's certificate is
/// then compared with the host name here, since the TLS layer only knows the address. An SMTP failure becomes a
/// <see cref="NotificationSendException"/> carrying the server's answer; the password never appears in it.
/// </summary>
public sealed class EmailSender(NotificationTargets targets)
{
    /// <summary>The relay of the send in progress: its host name and the certificate pinned for it, if any.</summary>
    private static readonly AsyncLocal<Relay?> Current = new();

    private sealed record Relay(string HostName, string? PinnedSha256);

    static EmailSender()
    {
        // System.Net.Mail validates the relay's certificate only through this process-wide callback. Default validation
        // is kept for everyone; what a send of ours adds is accepted only during that send.
#pragma warning disable SYSLIB0014 // ServicePointManager is obsolete for HTTP, but it is still how SmtpClient takes a validation callback.
        var previous = ServicePointManager.ServerCertificateValidationCallback;
        ServicePointManager.ServerCertificateValidationCallback = (sender, certificate, chain, errors) =>
            errors == SslPolicyErrors.None
            || Current.Value is { } relay && AcceptsRelayCertificate(relay.HostName, relay.PinnedSha256, certificate, errors)
            || previous?.Invoke(sender, certificate, chain, errors) == true;
#pragma warning restore SYSLIB0014
    }

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="to"/> with <paramref name="messageKey"/> in its Message-ID, so
    /// every retry of one outbox message carries the same Message-ID and a mail system can drop the repeats.
    /// </summary>
    public async Task SendAsync(SmtpChannelSettings settings, string? password, string to, string messageKey, RenderedNotification message, TimeSpan timeout, CancellationToken ct)
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
        mail.Headers["Message-ID"] = MessageId(messageKey, mail.From.Host);
        mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.Html(), Encoding.UTF8, "text/html"));
        await SendAsync(settings, password, mail, timeout, ct);
    }

    /// <summary>"&lt;key@sender's domain&gt;" (RFC 5322: unique on the right of the @ by being the sender's own domain).</summary>
    public static string MessageId(string key, string senderDomain) => $"<{key}@{senderDomain}>";

    /// <summary>
    /// Whether a send of ours accepts the relay's certificate when default validation did not: the pinned certificate
    /// whatever else is wrong with it (an internal relay whose CA the host does not trust); otherwise a certificate whose only
    /// fault is not naming the address connected to, when it names the relay's host.
    /// </summary>
    internal static bool AcceptsRelayCertificate(string hostName, string? pinnedSha256, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }

        if (pinnedSha256 is { } pin && Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())).Equals(pin, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateNameMismatch)
        {
            return false;
        }

        using var loaded = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return loaded.MatchesHostname(hostName);
    }

    private async Task SendAsync(SmtpChannelSettings settings, string? password, MailMessage mail, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            var address = (await Resolve(settings, deadline.Token))[0];
            using var client = new SmtpClient(address.ToString(), settings.Port)
            {
                DeliveryMethod = SmtpDeliveryMethod.Network,
                EnableSsl = settings.Security == SmtpSecurity.StartTls,
                Timeout = (int)timeout.TotalMilliseconds,
                UseDefaultCredentials = false,
                // Integrated authentication names the relay by its host, not by the address connected to.
                TargetName = $"SMTPSVC/{settings.Host}",
            };
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                client.Credentials = new NetworkCredential(settings.UserName, password ?? "");
            }

            Current.Value = new Relay(settings.Host, string.IsNullOrWhiteSpace(settings.TrustedCertificateSha256) ? null : settings.TrustedCertificateSha256.Trim());
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
            Current.Value = null;
        }
    }

    private async Task<IPAddress[]> Resolve(SmtpChannelSettings settings, CancellationToken ct)
    {
        try
        {
            return await targets.CheckedAddressesAsync(settings.Host, ct);
        }
        catch (SocketException e)
        {
            throw new NotificationSendException($"SMTP {settings.Host}:{settings.Port}: the name could not be resolved ({e.Message}).", e);
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
