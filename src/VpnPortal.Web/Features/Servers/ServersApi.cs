using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Servers;

public static class ServersApi
{
    public static RouteGroupBuilder MapServersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/servers", async (PortalDbContext db, ServerRole? role, string? search, string? site, int? skip, int? take, CancellationToken ct) =>
                TypedResults.Ok(await new ListServers(db).RunAsync(new(role, search, site, skip ?? 0, take ?? 100), ct)))
            .WithName("ListServers")
            .WithSummary("RRAS and NPS servers, filtered and paged (take at most 500).")
            .RequireAuthorization(Policies.ApiOperator);
        return api;
    }
}
