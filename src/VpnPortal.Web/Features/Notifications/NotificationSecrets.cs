using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>Encrypts the SMTP password and webhook URLs (they carry tokens) with the portal's data-protection keys.</summary>
public sealed class NotificationSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("VpnPortal.Notifications.Channels.v1");

    public byte[] Protect(string secret) => _protector.Protect(Encoding.UTF8.GetBytes(secret));

    public string Unprotect(byte[] protectedSecret) => Encoding.UTF8.GetString(_protector.Unprotect(protectedSecret));
}
