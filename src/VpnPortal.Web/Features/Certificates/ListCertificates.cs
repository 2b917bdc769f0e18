using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Naming;
using VpnPortal.Web.Components.Grids;

namespace VpnPortal.Web.Features.Certificates;

/// <summary>Which certificates a list shows.</summary>
public enum CertificateFilter
{
    All,
    Expired,

    /// <summary>Not yet expired, but ending within <see cref="CertificateExpiry.SoonDays"/> days.</summary>
    Expiring,

    /// <summary>
    /// Untrusted: in the untrusted set (to be in the Disallowed store of every RRAS server), or in any server's Disallowed
    /// store, whoever put it there.
    /// </summary>
    Untrusted,
}

/// <summary>What a certificate list is ordered by; expiry ascending (soonest first) unless told otherwise.</summary>
public enum CertificateSort
{
    Expiry,
    Subject,
    Issuer,

    /// <summary>The number of servers it is installed on.</summary>
    Servers,
}

/// <summary>Certificates for the list page and the API: search, filter, sort (soonest expiry first), page.</summary>
public sealed class ListCertificates(PortalDbContext db, TimeProvider time)
{
    public const int MaxTake = 500;
    public const int MaxSearchLength = 200;

    /// <summary>Hex searches shorter than this match no thumbprint: "CA" would otherwise match nearly every one.</summary>
    public const int MinThumbprintFragment = 8;

    public sealed record Query(
        string? Search = null,
        CertificateFilter Filter = CertificateFilter.All,
        int Skip = 0,
        int Take = 50,
        CertificateSort Sort = CertificateSort.Expiry,
        bool Descending = false,
        IReadOnlyList<SortBy>? Sorts = null)
    {
        /// <summary>The same search and filter for a page of a table, ordered by its columns.</summary>
        public Query ForPage(TableRequest page) => this with { Skip = page.Skip, Take = page.Take, Sorts = page.Sorts };

        /// <summary>
        /// The order: the table's columns when it names any, otherwise <see cref="Sort"/> with the expiry (or, for expiry,
        /// the subject) after it.
        /// </summary>
        internal IReadOnlyList<SortBy> Order() =>
            Sorts is { Count: > 0 } sorts && sorts.Any(s => Sorting.Knows(s.Column))
                ? sorts
                : Sort switch
                {
                    CertificateSort.Subject => [new(nameof(CertificateRow.Subject), Descending), new(nameof(CertificateRow.NotAfter), false)],
                    CertificateSort.Issuer => [new(nameof(CertificateRow.Issuer), Descending), new(nameof(CertificateRow.NotAfter), false)],
                    CertificateSort.Servers => [new(nameof(CertificateRow.ServerCount), Descending), new(nameof(CertificateRow.NotAfter), false)],
                    _ => [new(nameof(CertificateRow.NotAfter), Descending), new(nameof(CertificateRow.Subject), false)],
                };
    }

    /// <summary>The columns a list can be ordered by, named as <see cref="CertificateRow"/>'s properties; every order ends on the id.</summary>
    public static SortMap<Certificate> Sorting { get; } = new SortMap<Certificate>(nameof(CertificateRow.NotAfter), defaultDescending: false)
        .Add(nameof(CertificateRow.NotAfter), c => c.NotAfter)
        .Add(nameof(CertificateRow.Subject), c => c.Subject)
        .Add(nameof(CertificateRow.Issuer), c => c.Issuer)
        .Add(nameof(CertificateRow.ServerCount), c => c.Locations.Select(l => l.ServerId).Distinct().Count())
        .TieBreak(c => c.Id);

    public sealed record CertificateRow(
        Guid Id,
        string Subject,
        IReadOnlyList<string> SubjectAlternativeNames,
        string Issuer,
        string Sha1Thumbprint,
        string Sha256Thumbprint,
        DateTimeOffset NotBefore,
        DateTimeOffset NotAfter,
        IReadOnlyList<string> EnhancedKeyUsages,
        bool IsCertificateAuthority,
        int ServerCount,
        bool IsUntrusted,
        bool InUntrustedSet,
        int UntrustedOnServers);

    /// <summary>How many certificates match the search under each filter, for the filter chips.</summary>
    public sealed record FilterCounts(int All, int Expired, int Expiring, int Untrusted);

    public sealed record Page(IReadOnlyList<CertificateRow> Items, int Total, int Skip, int Take, FilterCounts Counts);

    public async Task<Page> RunAsync(Query q, CancellationToken ct = default)
    {
        var take = Math.Clamp(q.Take, 1, MaxTake);
        var skip = Math.Max(0, q.Skip);
        var now = time.GetUtcNow();
        var soon = CertificateExpiry.SoonCutoff(now);

        var searched = Search(db.Certificates.AsNoTracking(), q.Search);
        var counts = await searched
            .GroupBy(_ => 1)
            .Select(g => new FilterCounts(
                g.Count(),
                g.Count(c => c.NotAfter < now),
                g.Count(c => c.NotAfter >= now && c.NotAfter < soon),
                g.Count(c => db.UntrustedCertificates.Any(u => u.CertificateId == c.Id) || c.Locations.Any(l => l.Store == CertificateStoreName.Disallowed))))
            .FirstOrDefaultAsync(ct) ?? new FilterCounts(0, 0, 0, 0);

        var filtered = Filter(searched, q.Filter, now);
        var total = q.Filter switch
        {
            CertificateFilter.Expired => counts.Expired,
            CertificateFilter.Expiring => counts.Expiring,
            CertificateFilter.Untrusted => counts.Untrusted,
            _ => counts.All,
        };

        var items = await Project(Sorting.Apply(filtered, q.Order()).Skip(skip).Take(take)).ToListAsync(ct);
        return new Page(items, total, skip, take, counts);
    }

    /// <summary>Every certificate the search and filter match, in the order asked for, read as it is written out (an export).</summary>
    public IAsyncEnumerable<CertificateRow> StreamAsync(Query q) =>
        Project(Sorting.Apply(Filter(Search(db.Certificates.AsNoTracking(), q.Search), q.Filter, time.GetUtcNow()), q.Order())).AsAsyncEnumerable();

    private IQueryable<Certificate> Filter(IQueryable<Certificate> searched, CertificateFilter filter, DateTimeOffset now)
    {
        var soon = CertificateExpiry.SoonCutoff(now);
        return filter switch
        {
            CertificateFilter.Expired => searched.Where(c => c.NotAfter < now),
            CertificateFilter.Expiring => searched.Where(c => c.NotAfter >= now && c.NotAfter < soon),
            CertificateFilter.Untrusted => searched.Where(c => db.UntrustedCertificates.Any(u => u.CertificateId == c.Id) || c.Locations.Any(l => l.Store == CertificateStoreName.Disallowed)),
            _ => searched,
        };
    }

    private IQueryable<CertificateRow> Project(IQueryable<Certificate> query) =>
        query.Select(c => new CertificateRow(
            c.Id,
            c.Subject,
            c.SubjectAlternativeNames,
            c.Issuer,
            c.Sha1Thumbprint,
            c.Sha256Thumbprint,
            c.NotBefore,
            c.NotAfter,
            c.EnhancedKeyUsages,
            c.IsCertificateAuthority,
            c.Locations.Select(l => l.ServerId).Distinct().Count(),
            db.UntrustedCertificates.Any(u => u.CertificateId == c.Id) || c.Locations.Any(l => l.Store == CertificateStoreName.Disallowed),
            db.UntrustedCertificates.Any(u => u.CertificateId == c.Id),
            c.Locations.Count(l => l.Store == CertificateStoreName.Disallowed)));

    /// <summary>Subject, SANs and issuer by substring (any case); thumbprints and serial by hex fragment, separators ignored.</summary>
    internal static IQueryable<Certificate> Search(IQueryable<Certificate> query, string? search)
    {
        if (string.IsNullOrWhiteSpace(search))
        {
            return query;
        }

        var term = search.Trim();
        if (term.Length > MaxSearchLength)
        {
            term = term[..MaxSearchLength];
        }

        var upper = term.ToUpperInvariant();
        var hex = Thumbprints.Normalize(term);
        if (hex is { Length: >= MinThumbprintFragment })
        {
            return query.Where(c =>
                c.Subject.ToUpper().Contains(upper) || c.Issuer.ToUpper().Contains(upper) || c.SubjectAlternativeNames.Any(n => n.ToUpper().Contains(upper))
                || c.Sha1Thumbprint.Contains(hex) || c.Sha256Thumbprint.Contains(hex) || c.SerialNumber.ToUpper().Contains(hex));
        }

        return query.Where(c =>
            c.Subject.ToUpper().Contains(upper) || c.Issuer.ToUpper().Contains(upper) || c.SubjectAlternativeNames.Any(n => n.ToUpper().Contains(upper)));
    }
}
