using VpnPortal.Data.Entities;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Components.Shared;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Servers;

/// <summary>/export/servers.csv: the servers a server list's filter shows (role rras or nps, search), in its order (sort).</summary>
public static class ServersExport
{
    public const string Path = "/servers.csv";

    private static readonly string[] Header =
    [
        "Name", "Role", "DNS name", "Public names", "Protocols", "Site", "Agent", "Agent version", "Last report (UTC)",
        "Live sessions", "RADIUS timeout (s)", "MFA extension",
    ];

    public static RouteGroupBuilder MapServersExport(this RouteGroupBuilder group)
    {
        group.MapGet(Path, Export).RequireAuthorization(Policies.Operator);
        return group;
    }

    /// <summary>The export's address for a role, a search and an order, as the list links to it.</summary>
    public static string Href(ServerRole role, string? search, IEnumerable<SortBy> sorts)
    {
        var query = new List<string> { $"role={RoleName(role)}" };
        if (!string.IsNullOrWhiteSpace(search))
        {
            query.Add($"search={Uri.EscapeDataString(search.Trim())}");
        }

        var sort = TableRequest.SortText(sorts);
        if (sort.Length > 0)
        {
            query.Add($"sort={Uri.EscapeDataString(sort)}");
        }

        return $"export{Path}?{string.Join("&", query)}";
    }

    public static string RoleName(ServerRole role) => role.ToString().ToLowerInvariant();

    private static async Task<IResult> Export(
        ListServers servers, TimeProvider time, string? role, string? search, string? sort, CancellationToken ct)
    {
        ServerRole? only = Enum.TryParse<ServerRole>(role, ignoreCase: true, out var r) && Enum.IsDefined(r) && !int.TryParse(role, out _) ? r : null;
        var text = string.IsNullOrWhiteSpace(search) ? null : search.Trim()[..Math.Min(search.Trim().Length, 100)];
        var rows = await servers.AllAsync(new(only, text), TableRequest.ParseSort(sort), ct);
        return CsvFile.Result("servers", time.GetUtcNow(), Header, rows.ToAsyncEnumerable(), s =>
        [
            s.Name,
            RoleName(s.Role),
            s.HostFqdn,
            string.Join("; ", s.PublicFqdns),
            s.Role == ServerRole.Rras ? Display.Protocols(s.Protocols) : "",
            s.Site,
            s.Agent?.State,
            s.Agent?.AgentVersion,
            CsvFile.Time(s.LastReportAt),
            s.Role == ServerRole.Rras ? CsvFile.Number(s.LiveSessions) : "",
            s.RadiusTimeoutSeconds is { } t ? CsvFile.Number(t) : "",
            s.MfaExtension is { } m ? NpsText.MfaExtension(m) : "",
        ]);
    }
}
