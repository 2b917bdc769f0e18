using Microsoft.EntityFrameworkCore;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Sessions;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Features.Disconnects;

/// <summary>
/// "Disconnect everywhere": one fleet operation with one Disconnect-VpnUser command for each RRAS server where the
/// user or device has a live session, each given the name as that server reported it.
/// </summary>
public sealed class StartDisconnect(PortalDbContext db, TimeProvider time, AgentCommandQueue queue)
{
    public const string OperationKind = "disconnect";

    public sealed record Started(Guid? OperationId, int Servers, string Summary);

    /// <summary>Null error and an operation id when commands were queued; no operation when nobody was connected.</summary>
    public async Task<(Started? Started, string? Error)> RunAsync(string? identityText, AuditActor actor, CancellationToken ct = default)
    {
        var (identity, error) = VpnIdentity.Parse(identityText);
        if (identity is null)
        {
            return (null, error);
        }

        var live = await db.VpnSessions.AsNoTracking()
            .Where(s => s.EndedAt == null)
            .Select(s => new { s.RrasServerId, ServerName = s.RrasServer!.Name, s.UserName, s.UserNames })
            .ToListAsync(ct);
        var servers = live
            .Where(s => identity.Matches(s.UserNames.Append(s.UserName)))
            .GroupBy(s => (s.RrasServerId, s.ServerName))
            .Select(g => (g.Key.RrasServerId, g.Key.ServerName, Name: identity.NameAsReported(g.SelectMany(s => s.UserNames.Append(s.UserName))), Sessions: g.Count()))
            .OrderBy(s => s.ServerName, StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (servers.Count == 0)
        {
            return (new Started(null, 0, $"{identity.Name} has no live VPN session on any server: nothing to disconnect."), null);
        }

        var operation = new FleetOperation
        {
            Id = Guid.NewGuid(),
            Kind = OperationKind,
            Target = identity.Name,
            RequestedByUserId = actor.UserId,
            CreatedAt = time.GetUtcNow(),
        };
        db.FleetOperations.Add(operation);
        db.Audit(
            "disconnect.started",
            $"Disconnect {identity.Name} everywhere: {servers.Count} server(s)",
            "fleet-operation",
            operation.Id.ToString(),
            after: new { Identity = identity.Name, Servers = servers.Select(s => s.ServerName).ToList(), Sessions = servers.Sum(s => s.Sessions) });
        await db.SaveChangesAsync(ct);

        foreach (var server in servers)
        {
            // Refused only when the server was removed since the read above, and its sessions went with it.
            _ = await queue.QueueAsync(
                server.RrasServerId, AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = server.Name }, actor, operation.Id, ct);
        }

        return (new Started(operation.Id, servers.Count, $"Disconnecting {identity.Name} on {servers.Count} server(s)."), null);
    }
}
