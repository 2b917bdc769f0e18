using MudBlazor;

namespace VpnPortal.Web.Components.Grids;

/// <summary>A page of a table: which rows (Skip, Take) in which order; the filters are the feature's own.</summary>
public sealed record TableRequest(int Skip, int Take, IReadOnlyList<SortBy> Sorts)
{
    /// <summary>The most rows one page of a table shows.</summary>
    public const int MaxTake = 500;

    /// <summary>Every row, for an export: what the filter shows, in the order the table shows it.</summary>
    public static TableRequest All(IReadOnlyList<SortBy> sorts) => new(0, int.MaxValue, sorts);

    public static TableRequest From<T>(GridState<T> state) => new(
        Math.Max(0, state.Page) * Math.Clamp(state.PageSize, 1, MaxTake),
        Math.Clamp(state.PageSize, 1, MaxTake),
        state.SortDefinitions.OrderBy(s => s.Index).Select(s => new SortBy(s.SortBy, s.Descending)).ToList());

    /// <summary>The sort as it travels in an address: "column" or "-column" for descending, comma-separated.</summary>
    public static string SortText(IEnumerable<SortBy> sorts) => string.Join(",", sorts.Select(s => (s.Descending ? "-" : "") + s.Column));

    /// <summary>Reads <see cref="SortText"/> back; anything malformed is dropped (the map refuses unknown names anyway).</summary>
    public static IReadOnlyList<SortBy> ParseSort(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Take(4)
                .Where(p => p.Length is > 0 and <= 64)
                .Select(p => p.StartsWith('-') ? new SortBy(p[1..], true) : new SortBy(p, false))
                .Where(s => s.Column.Length > 0)
                .ToList();
}

/// <summary>One page of rows and how many the filter matches in all.</summary>
public sealed record TablePage<T>(IReadOnlyList<T> Items, int Total)
{
    public GridData<T> ToGridData() => new() { Items = Items, TotalItems = Total };
}
