using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>Arranges channels and notifications directly in a portal's database, as an admin's settings would leave them.</summary>
internal static class NotificationSeed
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static readonly DateTimeOffset Expiry = new(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);

    /// <summary>What the alerts side sends for a certificate 14 days before it expires.</summary>
    public static NotificationContent Content(string subject = "SSTP certificate vpn.corp.example expires in 14 days") => new(
        "warning",
        subject,
        "The SSTP certificate CN=vpn.corp.example (SHA-1 3F2A9C1E…) expires soon; roll out its replacement.",
        Expiry,
        ["VPN01 (Local Computer\\Personal)", "VPN02 (Local Computer\\Personal)"],
        [new NotificationLink("Certificate", "/certificates/7d0c1d2e-0000-4000-8000-000000000001"), new NotificationLink("Roll out a replacement", "/rotations/new?certificate=7d0c1d2e-0000-4000-8000-000000000001")]);

    public static async Task<Guid> AddWebhookAsync(IPortalScope portal, string name, WebhookFormat format, string url, bool enabled = true)
    {
        var secrets = portal.Services.GetRequiredService<NotificationSecrets>();
        var id = Guid.NewGuid();
        await using var db = portal.Database.CreateContext();
        db.WebhookChannels.Add(new WebhookChannel
        {
            Id = id,
            Name = name,
            Format = format,
            ProtectedUrl = secrets.Protect(url),
            UrlHint = new Uri(url).GetLeftPart(UriPartial.Authority),
            Enabled = enabled,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(Ct);
        return id;
    }

    public static async Task SetSmtpAsync(IPortalScope portal, string host, int port, SmtpSecurity security = SmtpSecurity.None, string? userName = null, string? password = null, string? trustedSha256 = null, bool allowPasswordWithoutTls = false)
    {
        var secrets = portal.Services.GetRequiredService<NotificationSecrets>();
        await using var db = portal.Database.CreateContext();
        var row = await db.SmtpChannelSettings.FindAsync([SmtpChannelSettings.SingletonId], Ct);
        if (row is null)
        {
            row = new SmtpChannelSettings { Id = SmtpChannelSettings.SingletonId };
            db.SmtpChannelSettings.Add(row);
        }

        row.Enabled = true;
        row.Host = host;
        row.Port = port;
        row.Security = security;
        row.UserName = userName;
        row.ProtectedPassword = password is null ? null : secrets.Protect(password);
        row.FromAddress = "vpnportal@corp.example";
        row.TrustedCertificateSha256 = trustedSha256;
        row.AllowPasswordWithoutTls = allowPasswordWithoutTls;
        await db.SaveChangesAsync(Ct);
    }

    public static async Task SetPreferenceAsync(IPortalScope portal, Guid userId, bool email = true, bool inPortal = true, string timeZone = "UTC", string? address = null)
    {
        await using var db = portal.Database.CreateContext();
        db.NotificationPreferences.Add(new NotificationPreference { UserId = userId, EmailEnabled = email, InPortalEnabled = inPortal, TimeZoneId = timeZone, EmailAddress = address });
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>Enqueues and saves in one unit of work, as the alerts side does.</summary>
    public static async Task EnqueueAsync(IPortalScope portal, params Notification[] notifications)
    {
        var outbox = portal.Services.GetRequiredService<INotificationOutbox>();
        await using var db = portal.Database.CreateContext();
        foreach (var n in notifications)
        {
            await outbox.EnqueueAsync(db, n, Ct);
        }

        await db.SaveChangesAsync(Ct);
    }

    /// <summary>One pass of the delivery worker on this portal (its jobs are off in these tests so nothing runs on its own).</summary>
    public static Task<int> DeliverAsync(IPortalScope portal) => portal.Services.GetRequiredService<OutboxDelivery>().DeliverDueAsync(Ct);

    /// <summary>
    /// The one seam the delivery tests need: the test's webhook listeners and SMTP server are on loopback, which the
    /// portal's target policy refuses, so these portals may also connect to loopback. Every other address is judged as
    /// the portal judges it; resolving, connecting, redirects and the rest run unchanged.
    /// </summary>
    public static void ReachListenersOnLoopback(IServiceCollection services)
    {
        services.RemoveAll<INotificationTargetPolicy>();
        services.AddSingleton<INotificationTargetPolicy>(sp => new LoopbackAllowed(ActivatorUtilities.CreateInstance<NotificationTargetPolicy>(sp)));
    }

    private sealed class LoopbackAllowed(NotificationTargetPolicy portal) : INotificationTargetPolicy
    {
        public string? Refusal(IPAddress address) => IPAddress.IsLoopback(address) ? null : portal.Refusal(address);
    }

    /// <summary>A loopback port nothing listens on (it was free a moment ago): a relay or webhook that is down.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static readonly IReadOnlyDictionary<string, string> NoJobs = new Dictionary<string, string>
    {
        ["Jobs:Enabled"] = "false",
        ["Notifications:PublicBaseUrl"] = "https://vpnportal.corp.example",
    };
}
