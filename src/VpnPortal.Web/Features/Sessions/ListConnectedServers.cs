using VpnPortal.Data;
using VpnPortal.Domain.Sessions;
using VpnPortal.Web.Features.Disconnects;

namespace VpnPortal.Web.Features.Sessions;

/// <summary>
/// The servers where one user or device has a live session, with how many it has on each: what a page shows before
/// it offers to disconnect that identity everywhere.
/// </summary>
public sealed class ListConnectedServers(PortalDbContext db)
{
    public Task<List<StartDisconnect.ConnectedServer>> RunAsync(VpnIdentity identity, CancellationToken ct = default) =>
        StartDisconnect.ServersWithLiveSessionsAsync(db, identity, serverIds: null, ct);
}
