using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// What a server page shows under "Findings": the server's open findings (those about the fleet it reports included),
/// worst first, and the rules suppressed on it.
/// </summary>
public sealed record ServerFindings(ListFindings.FindingServer Server, IReadOnlyList<ListFindings.FindingRow> Open, IReadOnlyList<ListSuppressions.Row> Suppressions);

/// <summary>One server's <see cref="ServerFindings"/>, for its RRAS or NPS page.</summary>
public sealed class GetServerFindings(PortalDbContext db, ListFindings findings, ListSuppressions suppressions)
{
    public async Task<ServerFindings> RunAsync(Guid serverId, CancellationToken ct = default)
    {
        var open = await findings.RunAsync(new ListFindings.Query(ServerId: serverId, Take: ListFindings.MaxTake), ct);
        var suppressed = await suppressions.RunAsync(serverId, activeOnly: true, ct);
        var server = await db.Servers.AsNoTracking().Where(s => s.Id == serverId)
            .Select(s => new ListFindings.FindingServer(s.Id, s.Name, s.Role == Data.Entities.ServerRole.Nps ? "nps" : "rras"))
            .FirstOrDefaultAsync(ct) ?? new ListFindings.FindingServer(serverId, "", "rras");
        return new ServerFindings(server, open.Items, suppressed);
    }
}
