using Microsoft.EntityFrameworkCore;
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
/// Reads the watched certificates a scan needs, in a few queries: those close enough to expiry to be at a step (or with
/// an open alert, or waiting in an open SSTP rollout), and every certificate that shares a name with them, which is what
/// a replacement is found by. The rest cannot be at a step and cannot resolve an alert, so they are not read at all.
/// Each comes with its places (servers' stores, not Untrusted) and its purposes there from how that server is set up.
/// </summary>
public static class WatchedCertificates
{
    private const int IndexBatch = 2000;

    private sealed record Row(Guid Id, string Sha1Thumbprint, string Subject, List<string> SubjectAlternativeNames, List<string> EnhancedKeyUsages, DateTimeOffset NotAfter);

    /// <summary>The certificates a scan at <paramref name="now"/> needs (see the class), given the open certificate alerts.</summary>
    public static async Task<IReadOnlyList<WatchedCertificate>> LoadAsync(
        PortalDbContext db, ExpiryThresholds thresholds, DateTimeOffset now, IReadOnlyCollection<Alert> open, CancellationToken ct)
    {
        var servers = await ServersAsync(db, ct);

        // Nothing in a store that expires after the largest threshold of any purpose it can have there is at a step. A
        // store whose purposes are all unwatched gets a horizon no certificate ends before.
        DateTimeOffset Horizon(WatchedStore store) => thresholds.LargestDaysIn(store) is { } days ? now.AddDays(days) : DateTimeOffset.UnixEpoch;
        var (my, ntAuth, root, ca) = (Horizon(WatchedStore.My), Horizon(WatchedStore.NTAuth), Horizon(WatchedStore.Root), Horizon(WatchedStore.CA));
        var installed = db.Certificates.AsNoTracking().Where(c => c.Locations.Any(l => l.Store != CertificateStoreName.Disallowed));
        var rollouts = db.SstpRotations.Where(r => r.Status == RotationStatus.Running || r.Status == RotationStatus.Stopped);
        var pending = await rollouts.AsNoTracking().Select(r => new { r.Sha1Thumbprint, r.Subject, r.NotAfter }).ToListAsync(ct);

        var horizons = new[] { my, ntAuth, root, ca }.Where(h => h > DateTimeOffset.UnixEpoch).ToList();
        var (nearest, farthest) = horizons.Count == 0 ? (now, DateTimeOffset.UnixEpoch) : (horizons.Min(), horizons.Max());

        // Also read by thumbprint: those with an alert that may be beyond their store's horizon (thresholds changed), and
        // those waiting in a rollout. Handed over as one list, not a subquery, which SQLite would run once per row; with
        // the bound on NotAfter either side of the OR can use an index.
        var named = open.Where(a => a.NotAfter is not { } end || end > nearest).Select(a => a.Sha1Thumbprint!)
            .Concat(pending.Select(r => r.Sha1Thumbprint)).Select(t => t.ToUpperInvariant()).Distinct().ToList();
        var watched = await ReadAsync(db, servers, installed.Where(c => c.NotAfter <= farthest && c.Locations.Any(l =>
                l.Store == CertificateStoreName.My && c.NotAfter <= my
                || l.Store == CertificateStoreName.NTAuth && c.NotAfter <= ntAuth
                || l.Store == CertificateStoreName.Root && c.NotAfter <= root
                || l.Store == CertificateStoreName.CA && c.NotAfter <= ca)
            || EF.Parameter(named).Contains(c.Sha1Thumbprint)), ct);

        // Successors of what is at a step or has an alert, found by name: also of a certificate an alert is about that
        // is gone from every store (its name then comes from the alert). A successor is in the same store as what it
        // follows, a watched one, so one that ends before the nearest watched store's horizon has been read above.
        var alerted = open.Select(a => a.Sha1Thumbprint!).Concat(pending.Select(r => r.Sha1Thumbprint)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = watched.Where(w => alerted.Contains(w.Sha1Thumbprint) || thresholds.StepAt(w.NotAfter, now, w.PurposeMask) is not null)
            .SelectMany(w => AlertResolution.NameKeys(w.Placed.SubjectCommonName, w.Placed.DnsNames))
            .Concat(open.SelectMany(a => AlertResolution.NameKeys(DistinguishedNames.CommonName(a.Subject), [])))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var read = watched.Select(w => w.CertificateId).ToHashSet();
        // Most names belong only to what was just read: the name index alone tells, and only the others are looked up (their
        // expiry with them). Joining each name to its certificate in the same query read a row per name, read or not.
        var successorIds = names.Count == 0
            ? []
            : (await db.CertificateNames.Where(n => EF.Parameter(names).Contains(n.Name)).Select(n => n.CertificateId).ToListAsync(ct))
                .Where(id => !read.Contains(id)).Distinct().ToList();
        if (successorIds.Count > 0)
        {
            watched.AddRange(await ReadAsync(db, servers, installed.Where(c => EF.Parameter(successorIds).Contains(c.Id) && c.NotAfter > nearest), ct));
        }

        // A certificate uploaded for a rollout that has not ended is watched where it waits: in the portal.
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

    /// <summary>These certificates, each with its places (not Untrusted) on known servers and its purposes there.</summary>
    private static async Task<List<WatchedCertificate>> ReadAsync(
        PortalDbContext db, Dictionary<Guid, (string Name, ServerUse Use)> servers, IQueryable<Certificate> certificates, CancellationToken ct)
    {
        var rows = await Rows(certificates).ToListAsync(ct);
        var ids = rows.Select(c => c.Id).ToList();
        var locations = (await db.CertificateLocations.AsNoTracking()
                .Where(l => l.Store != CertificateStoreName.Disallowed && EF.Parameter(ids).Contains(l.CertificateId))
                .Select(l => new { l.CertificateId, l.ServerId, l.Store })
                .ToListAsync(ct))
            .ToLookup(l => l.CertificateId);

        var watched = new List<WatchedCertificate>(rows.Count + 4);
        foreach (var c in rows)
        {
            var installations = new List<WatchedInstallation>();
            foreach (var l in locations[c.Id])
            {
                if (!servers.TryGetValue(l.ServerId, out var server))
                {
                    continue;
                }

                var store = (WatchedStore)(int)l.Store;
                installations.Add(new WatchedInstallation(l.ServerId, server.Name, store, CertificatePurposes.Of(store, c.Sha1Thumbprint, c.Subject, c.EnhancedKeyUsages, server.Use)));
            }

            watched.Add(Watched(c.Id, c.Sha1Thumbprint, c.Subject, CertificateHostNames.DnsNames(c.SubjectAlternativeNames), c.NotAfter, installations));
        }

        return watched;
    }

    /// <summary>
    /// Writes the name keys of every certificate not indexed yet: a new certificate's are written with it, so these are
    /// rows from before the index existed (or written around the portal). A certificate's names never change, so each is
    /// indexed once; another node indexing the same certificate at the same moment makes this save fail, and the scan
    /// runs again.
    /// </summary>
    public static async Task<int> IndexNamesAsync(PortalDbContext db, CancellationToken ct)
    {
        var indexed = 0;
        while (true)
        {
            var batch = await db.Certificates.AsNoTracking()
                .Where(c => !db.CertificateNames.Any(n => n.CertificateId == c.Id))
                .OrderBy(c => c.Id)
                .Select(c => new { c.Id, c.Subject, c.SubjectAlternativeNames })
                .Take(IndexBatch)
                .ToListAsync(ct);
            if (batch.Count == 0)
            {
                return indexed;
            }

            foreach (var c in batch)
            {
                db.CertificateNames.AddRange(CertificateName.For(c.Id, c.Subject, c.SubjectAlternativeNames));
            }

            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            indexed += batch.Count;
        }
    }

    private static IQueryable<Row> Rows(IQueryable<Certificate> certificates) =>
        certificates.Select(c => new Row(c.Id, c.Sha1Thumbprint, c.Subject, c.SubjectAlternativeNames, c.EnhancedKeyUsages, c.NotAfter));

    /// <summary>Every server by id: its name and how it is set up, as far as certificate purposes are concerned.</summary>
    internal static async Task<Dictionary<Guid, (string Name, ServerUse Use)>> ServersAsync(PortalDbContext db, CancellationToken ct)
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

        return servers;
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
