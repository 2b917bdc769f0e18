using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// What a server page shows under "Findings": the server's open findings (those about the fleet it reports included),
/// worst first, and the rules suppressed on it.
/// </summary>
public sealed record ServerFindings(ListFindings.FindingServer Server, IReadOnlyList<ListFindings.FindingRow> Open, IReadOnlyList<ListSuppressions.Row> Suppressions)
{
    public static async Task<ServerFindings> LoadAsync(PortalDbContext db, TimeProvider time, Guid serverId, CancellationToken ct = default)
    {
        var open = await new ListFindings(db, time).RunAsync(new ListFindings.Query(ServerId: serverId, Take: ListFindings.MaxTake), ct);
        var suppressions = await new ListSuppressions(db, time).RunAsync(serverId, activeOnly: true, ct);
        var server = await db.Servers.AsNoTracking().Where(s => s.Id == serverId)
            .Select(s => new ListFindings.FindingServer(s.Id, s.Name, s.Role == Data.Entities.ServerRole.Nps ? "nps" : "rras"))
            .FirstOrDefaultAsync(ct) ?? new ListFindings.FindingServer(serverId, "", "rras");
        return new ServerFindings(server, open.Items, suppressions);
    }
}
