using VpnPortal.Data;

namespace VpnPortal.Web.Features.Alerts;

/// <summary>
/// Brings the certificate name index up to date with certificates written before it existed, once per portal process:
/// every certificate the portal (any node, the admin CLI) writes gets its names in the same save, so once this pass has
/// found nothing left, later scans do not read every certificate again to look (35 ms over 100,000). Rows written around
/// the portal are indexed by the first scan after the next start.
/// </summary>
public sealed class CertificateNameCatchUp
{
    private volatile bool _done;

    public async Task RunAsync(PortalDbContext db, CancellationToken ct)
    {
        if (_done)
        {
            return;
        }

        await WatchedCertificates.IndexNamesAsync(db, ct);
        _done = true;
    }
}
