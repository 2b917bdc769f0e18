using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// Saves the fleet's diagnostics settings (admins): validated, refused when someone saved since the admin loaded them,
/// audited with before and after, and followed by a fresh evaluation of the whole fleet.
/// </summary>
public sealed class SaveDiagnosticsSettings(PortalDbContext db, TimeProvider time, IOptions<DiagnosticsOptions> options, FindingsEvaluator evaluator)
{
    public const int MaxNames = 50;
    public const int MaxIssuers = 20;
    public const int MaxSites = 100;

    /// <summary>
    /// What the admin saves. <paramref name="Version"/> is the version they loaded: null when the settings still came from
    /// configuration (the first save).
    /// </summary>
    public sealed record Input(
        IReadOnlyList<string>? EapServerNames,
        bool PhoneCallMfa,
        IReadOnlyList<string>? ClientCertificateIssuers,
        IReadOnlyList<DiagnosticsSettingsStore.SiteCertificate>? LoadBalancerCertificates,
        Guid? Version);

    /// <summary>The settings as saved, or the field errors, or a conflict when someone saved since they were loaded.</summary>
    public async Task<CommandResult<DiagnosticsSettingsStore.Settings>> RunAsync(Input input, AuditActor actor, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        var names = EapNames(input.EapServerNames, errors);
        var issuers = Issuers(input.ClientCertificateIssuers, errors);
        var sites = Sites(input.LoadBalancerCertificates, errors);
        if (errors.Count > 0)
        {
            return CommandResult<DiagnosticsSettingsStore.Settings>.Invalid(errors);
        }

        var row = await db.DiagnosticsSettings.FirstOrDefaultAsync(s => s.Id == DiagnosticsSettings.SingletonId, ct);
        var before = row is null ? DiagnosticsSettingsStore.FromOptions(options.Value) : DiagnosticsSettingsStore.FromRow(row);
        if (input.Version != before.Version)
        {
            return CommandResult<DiagnosticsSettingsStore.Settings>.Conflict();
        }

        if (row is null)
        {
            row = new DiagnosticsSettings();
            db.DiagnosticsSettings.Add(row);
        }
        else
        {
            db.Entry(row).Property(s => s.Version).OriginalValue = input.Version!.Value;
        }

        row.EapServerNames = names;
        row.PhoneCallMfa = input.PhoneCallMfa;
        row.ClientCertificateIssuers = issuers;
        row.LoadBalancerCertificates = sites.Select(s => new SiteLoadBalancerCertificate { Site = s.Site, Sha256 = s.Sha256 }).ToList();
        row.UpdatedAt = time.GetUtcNow();
        row.UpdatedBy = actor.Name;
        var after = DiagnosticsSettingsStore.FromRow(row);
        db.Audit(
            "diagnostics-settings.updated",
            $"Updated the diagnostics settings: {Describe(before, after)}",
            "diagnostics-settings",
            DiagnosticsSettings.SingletonId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            before: Audited(before),
            after: Audited(after));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (db.ChangeTracker.Entries<DiagnosticsSettings>().Any())
        {
            // A stale version, or another admin's first save at the same moment (the same key).
            return CommandResult<DiagnosticsSettingsStore.Settings>.Conflict();
        }

        evaluator.Request(null);
        return CommandResult<DiagnosticsSettingsStore.Settings>.Ok(DiagnosticsSettingsStore.FromRow(row));
    }

    private static object Audited(DiagnosticsSettingsStore.Settings s) => new
    {
        s.EapServerNames,
        s.PhoneCallMfa,
        s.ClientCertificateIssuers,
        LoadBalancerCertificates = s.LoadBalancerCertificates.Select(c => $"{c.Site}={c.Sha256}").ToList(),
    };

    private static string Describe(DiagnosticsSettingsStore.Settings before, DiagnosticsSettingsStore.Settings after)
    {
        var changed = new List<string>();
        if (!before.EapServerNames.SequenceEqual(after.EapServerNames))
        {
            changed.Add("EAP server names");
        }

        if (before.PhoneCallMfa != after.PhoneCallMfa)
        {
            changed.Add(after.PhoneCallMfa ? "phone-call MFA on" : "phone-call MFA off");
        }

        if (!before.ClientCertificateIssuers.SequenceEqual(after.ClientCertificateIssuers))
        {
            changed.Add("client certificate issuers");
        }

        if (!before.LoadBalancerCertificates.SequenceEqual(after.LoadBalancerCertificates))
        {
            changed.Add("load balancer certificates");
        }

        return changed.Count == 0 ? "saved unchanged" : string.Join(", ", changed);
    }

    private static List<string> EapNames(IReadOnlyList<string>? values, Dictionary<string, string> errors)
    {
        // Clients hold the list as one string separated by semicolons; the page may send one name a line.
        var names = (values ?? []).SelectMany(v => (v ?? "").Split([';', '\n', '\r'])).Select(n => n.Trim()).Where(n => n.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count > MaxNames)
        {
            errors[nameof(Input.EapServerNames)] = $"At most {MaxNames} server names.";
        }
        else if (names.FirstOrDefault(n => HostNames.ValidateFqdn(n, $"'{Clip(n)}'") is not null) is { } bad)
        {
            errors[nameof(Input.EapServerNames)] = $"{HostNames.ValidateFqdn(bad, $"'{Clip(bad)}'")} Enter each server name as the NPS certificate names it, e.g. nps01.corp.example.";
        }

        return names;
    }

    private static List<string> Issuers(IReadOnlyList<string>? values, Dictionary<string, string> errors)
    {
        var issuers = (values ?? []).SelectMany(v => (v ?? "").Split(['\n', '\r'])).Select(i => i.Trim()).Where(i => i.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (issuers.Count > MaxIssuers)
        {
            errors[nameof(Input.ClientCertificateIssuers)] = $"At most {MaxIssuers} issuers.";
        }
        else if (issuers.FirstOrDefault(i => i.Length > FieldLimits.Subject || DistinguishedNames.Attributes(i).Count == 0) is { } bad)
        {
            errors[nameof(Input.ClientCertificateIssuers)] = $"'{Clip(bad)}' is not a distinguished name. Enter the CA's subject as certutil shows it, e.g. CN=Corp Issuing CA, DC=corp, DC=example.";
        }

        return issuers;
    }

    private static List<DiagnosticsSettingsStore.SiteCertificate> Sites(IReadOnlyList<DiagnosticsSettingsStore.SiteCertificate>? values, Dictionary<string, string> errors)
    {
        var result = new List<DiagnosticsSettingsStore.SiteCertificate>();
        foreach (var entry in values ?? [])
        {
            var site = entry.Site?.Trim() ?? "";
            if (site.Length == 0 && string.IsNullOrWhiteSpace(entry.Sha256))
            {
                continue; // an empty row of the form
            }

            if (site.Length is 0 or > FieldLimits.Name)
            {
                errors[nameof(Input.LoadBalancerCertificates)] = $"Each load balancer certificate needs its site's name (at most {FieldLimits.Name} characters), as the servers' Site field spells it.";
                break;
            }

            if (Thumbprints.Normalize(entry.Sha256) is not { Length: 64 } hash)
            {
                errors[nameof(Input.LoadBalancerCertificates)] = $"The certificate of site {Clip(site)}: enter its SHA-256 hash as 64 hexadecimal characters (spaces and colons are ignored).";
                break;
            }

            if (result.Any(r => string.Equals(r.Site, site, StringComparison.OrdinalIgnoreCase)))
            {
                errors[nameof(Input.LoadBalancerCertificates)] = $"Site {Clip(site)} is listed twice.";
                break;
            }

            result.Add(new DiagnosticsSettingsStore.SiteCertificate(site, hash));
        }

        if (result.Count > MaxSites)
        {
            errors[nameof(Input.LoadBalancerCertificates)] = $"At most {MaxSites} sites.";
        }

        return result;
    }

    private static string Clip(string value) => value.Length > 80 ? value[..80] + "…" : value;
}
