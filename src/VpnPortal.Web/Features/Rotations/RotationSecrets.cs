using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace VpnPortal.Web.Features.Rotations;

/// <summary>
/// Encrypts a rollout's PFX and password with the portal's data-protection keys (themselves kept in the database and
/// protected at rest, see <c>PortalDatabase</c>). Only the import step's delivery decrypts them.
/// </summary>
public sealed class RotationSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("VpnPortal.SstpRotation.Pfx.v1");

    public byte[] Protect(byte[] pfx) => _protector.Protect(pfx);

    public byte[] ProtectPassword(string password) => _protector.Protect(Encoding.UTF8.GetBytes(password));

    public byte[] Unprotect(byte[] protectedPfx) => _protector.Unprotect(protectedPfx);

    public string UnprotectPassword(byte[] protectedPassword) => Encoding.UTF8.GetString(_protector.Unprotect(protectedPassword));
}
