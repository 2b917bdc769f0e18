using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>
/// Sends mail through the configured relay with MailKit: STARTTLS (required when chosen), TLS from the first byte (port
/// 465), or none; AUTH with the stored user name and password, never over an unencrypted connection unless the channel
/// allows it explicitly. The relay's host is resolved and judged here and the socket is connected to the address that
/// passed; TLS then checks the relay's certificate against the host name, with this channel's own validation (a pinned
/// certificate for an internal CA), not a process-wide callback. An SMTP failure becomes a
/// <see cref="NotificationSendException"/> carrying the server's answer; the password never appears in it.
/// </summary>
public sealed class EmailSender(NotificationTargets targets)
{
    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="to"/> with <paramref name="messageKey"/> in its Message-ID, so
    /// every retry of one outbox message carries the same Message-ID and a mail system can drop the repeats.
    /// </summary>
    public async Task SendAsync(SmtpChannelSettings settings, string? password, string to, string messageKey, RenderedNotification message, TimeSpan timeout, CancellationToken ct)
    {
        var from = new MailboxAddress("VpnPortal", settings.FromAddress);
        using var mail = new MimeMessage
        {
            Subject = message.Subject,
            MessageId = MessageId(messageKey, from.Domain).Trim('<', '>'),
            Body = new BodyBuilder { TextBody = message.Text(), HtmlBody = message.Html() }.ToMessageBody(),
        };
        mail.From.Add(from);
        mail.To.Add(MailboxAddress.Parse(to));
        await SendAsync(settings, password, mail, timeout, ct);
    }

    /// <summary>"&lt;key@sender's domain&gt;" (RFC 5322: unique on the right of the @ by being the sender's own domain).</summary>
    public static string MessageId(string key, string senderDomain) => $"<{key}@{senderDomain}>";

    /// <summary>
    /// Whether a send of ours accepts the relay's certificate: one that passes the platform's validation against the relay's
    /// host name, or the pinned certificate whatever else is wrong with it (an internal relay whose CA the host does not trust).
    /// </summary>
    internal static bool AcceptsRelayCertificate(string? pinnedSha256, X509Certificate? certificate, SslPolicyErrors errors) =>
        errors == SslPolicyErrors.None
        || certificate is not null && pinnedSha256 is { } pin
            && Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())).Equals(pin, StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when a user name and password may go to the relay over this channel; otherwise why not.</summary>
    public static string? CredentialsRefusal(SmtpSecurity security, string? userName, bool allowPasswordWithoutTls) =>
        security == SmtpSecurity.None && !string.IsNullOrEmpty(userName) && !allowPasswordWithoutTls
            ? "the relay's user name and password would cross the network unencrypted: choose STARTTLS or TLS, or allow sign-in without encryption for this relay explicitly"
            : null;

    private async Task SendAsync(SmtpChannelSettings settings, string? password, MimeMessage mail, TimeSpan timeout, CancellationToken ct)
    {
        if (CredentialsRefusal(settings.Security, settings.UserName, settings.AllowPasswordWithoutTls) is { } refusal)
        {
            throw new NotificationSendException($"SMTP {settings.Host}:{settings.Port}: refused to send: {refusal}.");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var pin = string.IsNullOrWhiteSpace(settings.TrustedCertificateSha256) ? null : settings.TrustedCertificateSha256.Trim();
        try
        {
            var addresses = await Resolve(settings, deadline.Token);
            using var client = new SmtpClient
            {
                Timeout = (int)timeout.TotalMilliseconds,
                ServerCertificateValidationCallback = (_, certificate, _, errors) => AcceptsRelayCertificate(pin, certificate, errors),
            };

            // Connected here to an address that passed the check; MailKit speaks SMTP over it and validates TLS against the host.
            var socket = await NotificationTargets.ConnectAsync(addresses, settings.Port, deadline.Token);
            try
            {
                await client.ConnectAsync(socket, settings.Host, settings.Port, Options(settings.Security), deadline.Token);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            // A relay that offers no AUTH (an internal relay that trusts the portal's address) is not sent the credentials.
            if (!string.IsNullOrEmpty(settings.UserName) && client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            {
                await client.AuthenticateAsync(new NetworkCredential(settings.UserName, password ?? ""), deadline.Token);
            }

            await client.SendAsync(mail, deadline.Token);
            await client.DisconnectAsync(quit: true, deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new NotificationSendException($"SMTP {settings.Host}:{settings.Port}: no answer within {timeout.TotalSeconds:0} s.");
        }
        catch (Exception e) when (e is IOException or SocketException or MailKit.ProtocolException or CommandException or MailKit.Security.AuthenticationException or System.Security.Authentication.AuthenticationException or SslHandshakeException or NotSupportedException)
        {
            throw new NotificationSendException(Describe(settings, e), e);
        }
    }

    private static SecureSocketOptions Options(SmtpSecurity security) => security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.ImplicitTls => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.None,
    };

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
    private static string Describe(SmtpChannelSettings settings, Exception e)
    {
        var b = new StringBuilder($"SMTP {settings.Host}:{settings.Port}: {e.Message.Trim()}");
        if (e is SmtpCommandException command)
        {
            b.Append($" (status {(int)command.StatusCode} {command.StatusCode})");
        }

        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            b.Append(" — ").Append(inner.Message.Trim());
        }

        return b.ToString();
    }
}

/// <summary>A channel refused or failed a message; the message is shown to admins and kept with the attempt.</summary>
public sealed class NotificationSendException(string message, Exception? inner = null) : Exception(message, inner);
