using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.Features.UntrustedCertificates;

/// <summary>
/// "Adopt into the set": a certificate that servers hold in Untrusted Certificates without the portal having put it there
/// becomes a portal-managed untrusted certificate, kept on every RRAS server like the rest of the set (the first imports
/// queued as the admin). The same checks as an untrust apply: never a CA, never what the VPN itself uses.
/// </summary>
public sealed class AdoptUntrustedCertificate(PortalDbContext db, UntrustCertificate untrust)
{
    public async Task<CommandResult<UntrustCertificate.Done>> RunAsync(string? sha1Thumbprint, string? reason, AuditActor actor, CancellationToken ct = default)
    {
        var sha1 = Thumbprints.Normalize(sha1Thumbprint);
        if (sha1 is not { Length: 40 })
        {
            return CommandResult<UntrustCertificate.Done>.Invalid("", "A SHA-1 thumbprint is 40 hexadecimal characters (spaces and colons are ignored).");
        }

        var certificate = await db.Certificates.AsNoTracking().Where(c => c.Sha1Thumbprint == sha1).Select(c => new { c.Id, c.Subject }).FirstOrDefaultAsync(ct);
        if (certificate is null)
        {
            return CommandResult<UntrustCertificate.Done>.NotFound($"No certificate with SHA-1 {sha1} is known to the portal.");
        }

        var name = DistinguishedNames.ShortName(certificate.Subject);
        if (await db.UntrustedCertificates.AsNoTracking().AnyAsync(u => u.CertificateId == certificate.Id, ct))
        {
            return CommandResult<UntrustCertificate.Done>.Conflict($"{name} is already managed by the portal: it is in the untrusted set (or being taken out of it).");
        }

        var heldBy = await db.CertificateLocations.AsNoTracking()
            .Where(l => l.CertificateId == certificate.Id && l.Store == CertificateStoreName.Disallowed)
            .Select(l => l.Server!.Name)
            .ToListAsync(ct);
        if (heldBy.Count == 0)
        {
            return CommandResult<UntrustCertificate.Done>.Conflict(
                $"No server holds {name} in its Untrusted Certificates store, so there is nothing to adopt: untrust it instead.");
        }

        heldBy.Sort(StringComparer.OrdinalIgnoreCase);
        return await untrust.RunAsync(new UntrustCertificate.Request(null, null, sha1, reason, DisconnectSessions: false) { AdoptedFrom = heldBy }, actor, ct);
    }
}
