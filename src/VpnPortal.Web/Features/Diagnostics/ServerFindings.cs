using VpnPortal.Data;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>What a server page shows under "Findings": the server's open findings, worst first, and the rules suppressed on it.</summary>
public sealed record ServerFindings(IReadOnlyList<ListFindings.FindingRow> Open, IReadOnlyList<ListSuppressions.Row> Suppressions)
{
    public static async Task<ServerFindings> LoadAsync(PortalDbContext db, TimeProvider time, Guid serverId, CancellationToken ct = default)
    {
        var open = await new ListFindings(db, time).RunAsync(new ListFindings.Query(ServerId: serverId, Take: ListFindings.MaxTake), ct);
        var suppressions = await new ListSuppressions(db, time).RunAsync(serverId, activeOnly: true, ct);
        return new ServerFindings(open.Items, suppressions);
    }
}
