using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// The diagnostics settings in force (<see cref="DiagnosticsSettingsStore"/>), and for the settings page what it shows
/// beside them: the sites servers name, and the RRAS servers that carry their own load balancer certificate.
/// </summary>
public sealed class GetDiagnosticsSettings(PortalDbContext db, IOptions<DiagnosticsOptions> defaults)
{
    /// <summary>An RRAS server whose own load balancer certificate wins over its site's.</summary>
    public sealed record ServerHash(Guid Id, string Name, string? Site, string Sha256);

    /// <summary>The settings, the sites to suggest (as servers spell them), and the servers with their own certificate, by name.</summary>
    public sealed record Form(DiagnosticsSettingsStore.Settings Settings, IReadOnlyList<string> KnownSites, IReadOnlyList<ServerHash> ServerHashes);

    public Task<DiagnosticsSettingsStore.Settings> RunAsync(CancellationToken ct = default) => DiagnosticsSettingsStore.LoadAsync(db, defaults.Value, ct);

    public async Task<Form> FormAsync(CancellationToken ct = default)
    {
        var settings = await RunAsync(ct);
        var sites = await db.Servers.AsNoTracking().Where(s => s.Site != null).Select(s => s.Site!).Distinct().OrderBy(s => s).ToListAsync(ct);
        var hashes = await db.RrasServers.AsNoTracking().Where(s => s.LoadBalancerCertificateSha256 != null).OrderBy(s => s.Name)
            .Select(s => new ServerHash(s.Id, s.Name, s.Site, s.LoadBalancerCertificateSha256!)).ToListAsync(ct);
        return new Form(settings, sites, hashes);
    }
}
