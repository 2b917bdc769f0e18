using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Servers;

/// <summary>The servers a picker or a filter offers, by name: all of them, or those of one role.</summary>
public sealed class ListServerChoices(PortalDbContext db)
{
    public Task<List<ServerChoice>> RunAsync(ServerRole? role = null, CancellationToken ct = default) => role switch
    {
        ServerRole.Rras => db.RrasServers.ChoicesAsync(ct),
        ServerRole.Nps => db.NpsServers.ChoicesAsync(ct),
        _ => db.Servers.ChoicesAsync(ct),
    };
}
