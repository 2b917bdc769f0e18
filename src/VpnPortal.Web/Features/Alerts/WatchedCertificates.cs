using Microsoft.EntityFrameworkCore;
using VpnPortal.Agent.Certificates;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Alerts;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Diagnostics;

namespace VpnPortal.Web.Features.Alerts;

/// <summary>A certificate the alerts watch: its facts, every place it is, and its purposes there.</summary>
public sealed record WatchedCertificate(
    Guid? CertificateId,
    string Sha1Thumbprint,
    string Subject,
    DateTimeOffset NotAfter,
    PlacedCertificate Placed,
    IReadOnlyList<WatchedInstallation> Installations,
    int PurposeMask);

public sealed record WatchedInstallation(Guid? ServerId, string ServerName, WatchedStore Store, IReadOnlyList<CertificatePurpose> Purposes);

/// <summary>
/// Reads every watched certificate in a few queries: each certificate in a store of a server (not Untrusted) with its
/// purposes from how that server is set up, and the certificates waiting in open SSTP rollouts (public facts only).
/// </summary>
public static class WatchedCertificates
{
    public static async Task<IReadOnlyList<WatchedCertificate>> LoadAsync(PortalDbContext db, CancellationToken ct)
    {
        var servers = new Dictionary<Guid, (string Name, ServerUse Use)>();
        var bound = (await db.SstpBindings.AsNoTracking()
                .Where(b => b.ApplicationId == FleetFacts.SstpApplicationId)
                .Select(b => new { b.RrasServerId, b.CertificateHash })
                .ToListAsync(ct))
            .ToLookup(b => b.RrasServerId, b => b.CertificateHash);
        foreach (var s in await db.RrasServers.AsNoTracking().Select(s => new { s.Id, s.Name, s.Sstp.ConfiguredCertificateSha1 }).ToListAsync(ct))
        {
            servers[s.Id] = (s.Name, new ServerUse(true, s.ConfiguredCertificateSha1, bound[s.Id].ToList(), null));
        }

        foreach (var s in await db.NpsServers.AsNoTracking().Select(s => new { s.Id, s.Name, s.MfaExtensionCertificateSha1 }).ToListAsync(ct))
        {
            servers[s.Id] = (s.Name, ServerUse.Nps(s.MfaExtensionCertificateSha1));
        }

        var locations = (await db.CertificateLocations.AsNoTracking()
                .Where(l => l.Store != CertificateStoreName.Disallowed)
                .Select(l => new { l.CertificateId, l.ServerId, l.Store })
                .ToListAsync(ct))
            .ToLookup(l => l.CertificateId);
        var certificates = await db.Certificates.AsNoTracking()
            .Where(c => c.Locations.Any(l => l.Store != CertificateStoreName.Disallowed))
            .Select(c => new { c.Id, c.Sha1Thumbprint, c.Subject, c.SubjectAlternativeNames, c.EnhancedKeyUsages, c.NotAfter })
            .ToListAsync(ct);

        var watched = new List<WatchedCertificate>(certificates.Count + 4);
        foreach (var c in certificates)
        {
            var installations = new List<WatchedInstallation>();
            foreach (var l in locations[c.Id])
            {
                if (!servers.TryGetValue(l.ServerId, out var server))
                {
                    continue;
                }

                var store = (WatchedStore)(int)l.Store;
                installations.Add(new WatchedInstallation(l.ServerId, server.Name, store, CertificatePurposes.Of(store, c.Sha1Thumbprint, c.EnhancedKeyUsages, server.Use)));
            }

            watched.Add(Watched(c.Id, c.Sha1Thumbprint, c.Subject, CertificateReport.DnsNames(c.SubjectAlternativeNames), c.NotAfter, installations));
        }

        // A certificate uploaded for a rollout that has not ended is watched where it waits: in the portal.
        var pending = await db.SstpRotations.AsNoTracking()
            .Where(r => r.Status == RotationStatus.Running || r.Status == RotationStatus.Stopped)
            .Select(r => new { r.Sha1Thumbprint, r.Subject, r.NotAfter })
            .ToListAsync(ct);
        var bySha1 = watched.Select((w, i) => (w.Sha1Thumbprint, i)).ToDictionary(x => x.Sha1Thumbprint, x => x.i, StringComparer.OrdinalIgnoreCase);
        foreach (var r in pending)
        {
            var portal = new WatchedInstallation(null, "Portal", WatchedStore.Portal, [CertificatePurpose.PendingRotation]);
            if (bySha1.TryGetValue(r.Sha1Thumbprint, out var i))
            {
                var w = watched[i];
                watched[i] = Watched(w.CertificateId, w.Sha1Thumbprint, w.Subject, w.Placed.DnsNames, w.NotAfter, [.. w.Installations, portal]);
            }
            else
            {
                bySha1[r.Sha1Thumbprint] = watched.Count;
                watched.Add(Watched(null, r.Sha1Thumbprint, r.Subject, [], r.NotAfter, [portal]));
            }
        }

        return watched;
    }

    public static WatchedCertificate Watched(Guid? id, string sha1, string subject, IReadOnlyList<string> dnsNames, DateTimeOffset notAfter, IReadOnlyList<WatchedInstallation> installations)
    {
        var placements = new Dictionary<Placement, CertificatePurpose[]>();
        foreach (var i in installations.Where(i => i.Purposes.Count > 0))
        {
            placements[new Placement(i.ServerId, i.Store)] = [.. i.Purposes];
        }

        var mask = PurposeMask.Of(installations.SelectMany(i => i.Purposes));
        return new WatchedCertificate(id, sha1, subject, notAfter, new PlacedCertificate(sha1, DistinguishedNames.CommonName(subject), dnsNames, notAfter, placements), installations, mask);
    }
}
