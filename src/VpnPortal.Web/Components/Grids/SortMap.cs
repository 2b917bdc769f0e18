using System.Linq.Expressions;

namespace VpnPortal.Web.Components.Grids;

/// <summary>
/// The columns a table may be sorted by, each named as its grid column is (the row property's name) and mapped to the
/// entity expression the database orders by. A name not in the map is refused, so a request cannot order by an
/// arbitrary property; every ordering ends on a unique key, so paging is stable.
/// </summary>
public sealed class SortMap<TEntity>
{
    private readonly Dictionary<string, Func<IQueryable<TEntity>, bool, IOrderedQueryable<TEntity>>> first = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<IOrderedQueryable<TEntity>, bool, IOrderedQueryable<TEntity>>> then = new(StringComparer.OrdinalIgnoreCase);
    private Func<IOrderedQueryable<TEntity>, IOrderedQueryable<TEntity>> tieBreak = q => q;

    public SortMap(string defaultColumn, bool defaultDescending)
    {
        DefaultColumn = defaultColumn;
        DefaultDescending = defaultDescending;
    }

    public string DefaultColumn { get; }

    public bool DefaultDescending { get; }

    public IEnumerable<string> Columns => first.Keys;

    public SortMap<TEntity> Add<TKey>(string column, Expression<Func<TEntity, TKey>> key)
    {
        first[column] = (q, descending) => descending ? q.OrderByDescending(key) : q.OrderBy(key);
        then[column] = (q, descending) => descending ? q.ThenByDescending(key) : q.ThenBy(key);
        return this;
    }

    /// <summary>The last ordering, on a unique key, applied after the chosen one.</summary>
    public SortMap<TEntity> TieBreak<TKey>(Expression<Func<TEntity, TKey>> key)
    {
        tieBreak = q => q.ThenBy(key);
        return this;
    }

    public bool Knows(string? column) => column is not null && first.ContainsKey(column);

    /// <summary>Orders by the requested columns in turn (unknown ones are skipped), or by the default when none is known.</summary>
    public IOrderedQueryable<TEntity> Apply(IQueryable<TEntity> query, IReadOnlyList<SortBy> sorts)
    {
        IOrderedQueryable<TEntity>? ordered = null;
        foreach (var s in sorts.Where(s => Knows(s.Column)))
        {
            ordered = ordered is null ? first[s.Column](query, s.Descending) : then[s.Column](ordered, s.Descending);
        }

        ordered ??= first[DefaultColumn](query, DefaultDescending);
        return tieBreak(ordered);
    }
}

/// <summary>One sort: a column's name and its direction.</summary>
public sealed record SortBy(string Column, bool Descending);
