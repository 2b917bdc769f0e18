using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Components.Shared;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Sessions;

/// <summary>
/// /export/sessions.csv: the live sessions the sessions page's filter shows (user, search, server, protocol), in its
/// order (sort), every one of them rather than one page.
/// </summary>
public static class SessionsExport
{
    public const string Path = "/sessions.csv";

    private static readonly string[] Header =
    [
        "User", "Other names", "Device tunnel", "Host", "Server", "Protocol", "External address", "Tunnel address",
        "Connected (UTC)", "Last traffic (UTC)", "Bytes in", "Bytes out",
    ];

    public static RouteGroupBuilder MapSessionsExport(this RouteGroupBuilder group)
    {
        group.MapGet(Path, Export).RequireAuthorization(Policies.Operator);
        return group;
    }

    /// <summary>The export's address for a filter and an order, as the page links to it.</summary>
    public static string Href(ListLiveSessions.Filter filter, IEnumerable<SortBy> sorts)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
            }
        }

        Add("user", filter.User);
        Add("search", filter.Search);
        Add("server", filter.Server);
        Add("protocol", filter.Protocol is { } p ? ListLiveSessions.TunnelName(p) : null);
        Add("sort", TableRequest.SortText(sorts));
        return query.Count == 0 ? $"export{Path}" : $"export{Path}?{string.Join("&", query)}";
    }

    private static IResult Export(ListLiveSessions list, TimeProvider time, string? user, string? search, string? server, string? protocol, string? sort, CancellationToken ct)
    {
        var filter = new ListLiveSessions.Filter(Trim(user), Trim(server), Trim(search), ListLiveSessions.ParseTunnel(protocol));
        var rows = list.AllAsync(filter, TableRequest.ParseSort(sort), ct);
        return CsvFile.Result("sessions", time.GetUtcNow(), Header, rows, s =>
        [
            s.UserName,
            string.Join("; ", s.AllNames.Skip(1)),
            s.IsDeviceTunnel ? "yes" : "no",
            s.HostName,
            s.ServerName,
            Display.Protocol(s.TunnelType),
            s.ClientExternalAddress,
            s.TunnelAddress,
            CsvFile.Time(s.ConnectionStartTime),
            CsvFile.Time(s.LastSeenAt),
            CsvFile.Number(s.BytesIn),
            CsvFile.Number(s.BytesOut),
        ]);
    }

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim()[..Math.Min(value.Trim().Length, 256)];
}
