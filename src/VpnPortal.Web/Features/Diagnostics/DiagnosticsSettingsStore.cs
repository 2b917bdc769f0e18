using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// The fleet settings the rules use: the saved row when an admin has saved them, else the configuration's values
/// (<see cref="DiagnosticsOptions"/>), which are the defaults of a new install.
/// </summary>
public static class DiagnosticsSettingsStore
{
    public sealed record SiteCertificate(string Site, string Sha256);

    /// <summary>The settings in force. <see cref="Version"/> is null while they come from configuration.</summary>
    public sealed record Settings(
        IReadOnlyList<string> EapServerNames,
        bool PhoneCallMfa,
        IReadOnlyList<string> ClientCertificateIssuers,
        IReadOnlyList<SiteCertificate> LoadBalancerCertificates,
        Guid? Version,
        DateTimeOffset? UpdatedAt,
        string? UpdatedBy)
    {
        public bool FromConfiguration => Version is null;

        /// <summary>The load balancer certificate recorded for a site (sites compare without regard to case), or null.</summary>
        public string? LoadBalancerSha256For(string? site) =>
            string.IsNullOrWhiteSpace(site)
                ? null
                : LoadBalancerCertificates.FirstOrDefault(c => string.Equals(c.Site, site.Trim(), StringComparison.OrdinalIgnoreCase))?.Sha256;
    }

    public static async Task<Settings> LoadAsync(PortalDbContext db, DiagnosticsOptions defaults, CancellationToken ct = default)
    {
        var row = await db.DiagnosticsSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == DiagnosticsSettings.SingletonId, ct);
        return row is null ? FromOptions(defaults) : FromRow(row);
    }

    public static Settings FromRow(DiagnosticsSettings row) => new(
        row.EapServerNames,
        row.PhoneCallMfa,
        row.ClientCertificateIssuers,
        row.LoadBalancerCertificates.Select(c => new SiteCertificate(c.Site, c.Sha256)).ToList(),
        row.Version,
        row.UpdatedAt,
        row.UpdatedBy);

    public static Settings FromOptions(DiagnosticsOptions options) => new(
        options.EapServerNames.SelectMany(n => n.Split(';')).Select(n => n.Trim()).Where(n => n.Length > 0).ToList(),
        options.PhoneCallMfa,
        options.ClientCertificateIssuers.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim()).ToList(),
        options.LoadBalancerCertificates
            .Where(kv => !string.IsNullOrWhiteSpace(kv.Key) && Thumbprints.Normalize(kv.Value) is { Length: 64 })
            .Select(kv => new SiteCertificate(kv.Key.Trim(), Thumbprints.Normalize(kv.Value)!))
            .ToList(),
        null,
        null,
        null);
}
