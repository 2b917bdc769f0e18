using VpnPortal.Data.Entities;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Servers;

public static class ServersApi
{
    public static RouteGroupBuilder MapServersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/servers", async (ListServers servers, ServerRole? role, string? search, string? site, string? sort, int? skip, int? take, CancellationToken ct) =>
                TypedResults.Ok(await servers.RunAsync(
                    new(role, search, site, skip ?? 0, take ?? 100, Components.Grids.TableRequest.ParseSort(sort)), ct)))
            .WithName("ListServers")
            .WithSummary("RRAS and NPS servers, filtered, sorted (sort: columns, comma-separated, '-' before one for descending: " +
                string.Join(", ", ListServers.Sorts.Columns) + "; by name by default) and paged (take at most 500), each with its agent's state: online, late, offline, never-seen, revoked or none.")
            .RequireAuthorization(Policies.ApiOperator);
        return api;
    }
}
