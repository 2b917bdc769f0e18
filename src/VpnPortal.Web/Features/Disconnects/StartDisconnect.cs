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
/// user or device has a live session, each given the name as that server reported it. With an enforcement window,
/// the identity is also kept off: <see cref="DisconnectEnforcer"/> disconnects it again wherever it reconnects.
/// </summary>
public sealed class StartDisconnect(PortalDbContext db, TimeProvider time, AgentCommandQueue queue, DisconnectEnforcer enforcer)
{
    public const string OperationKind = "disconnect";

    /// <summary>The longest enforcement window: longer is a job for the directory and the NPS deny policy.</summary>
    public static readonly TimeSpan MaxEnforcement = TimeSpan.FromDays(7);

    public sealed record Started(Guid? OperationId, int Servers, string Summary, DateTimeOffset? EnforcedUntil = null);

    /// <summary>
    /// Started with an operation id when commands were queued or a window was set; with no operation when nobody was
    /// connected and no window was asked for. An identity that is not one, or a window out of bounds, is invalid.
    /// </summary>
    public async Task<CommandResult<Started>> RunAsync(
        string? identityText, AuditActor actor, TimeSpan? enforceFor = null, CancellationToken ct = default)
    {
        var (identity, error) = VpnIdentity.Parse(identityText);
        if (identity is null)
        {
            return CommandResult<Started>.Invalid("Identity", error!);
        }

        if (enforceFor is { } window && (window < TimeSpan.FromMinutes(1) || window > MaxEnforcement))
        {
            return CommandResult<Started>.Invalid("EnforceFor", $"An enforcement window lasts from one minute to {MaxEnforcement.TotalDays:0} days.");
        }

        var servers = await ServersWithLiveSessionsAsync(db, identity, serverIds: null, ct);
        if (servers.Count == 0 && enforceFor is null)
        {
            return CommandResult<Started>.Ok(new Started(null, 0, $"{identity.Name} has no live VPN session on any server: nothing to disconnect."));
        }

        var now = time.GetUtcNow();
        var operation = new FleetOperation
        {
            Id = Guid.NewGuid(),
            Kind = OperationKind,
            Target = identity.Name,
            RequestedByUserId = actor.UserId,
            CreatedAt = now,
        };
        db.FleetOperations.Add(operation);
        DateTimeOffset? until = null;
        if (enforceFor is { } duration)
        {
            until = now + duration;
            db.DisconnectEnforcements.Add(new DisconnectEnforcement
            {
                Id = Guid.NewGuid(),
                OperationId = operation.Id,
                Identity = identity.Name,
                IdentityKey = Key(identity),
                StartsAt = now,
                EndsAt = until.Value,
            });
        }

        db.Audit(
            "disconnect.started",
            $"Disconnect {identity.Name} everywhere: {servers.Count} server(s)" + (until is null ? "" : $", kept off until {until:u}"),
            "fleet-operation",
            operation.Id.ToString(),
            after: new { Identity = identity.Name, Servers = servers.Select(s => s.ServerName).ToList(), Sessions = servers.Sum(s => s.Sessions), EnforcedUntil = until });
        await db.SaveChangesAsync(ct);

        foreach (var server in servers)
        {
            // Refused only when the server was removed since the read above, and its sessions went with it.
            _ = await queue.QueueAsync(
                server.ServerId, AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = server.NameAsReported }, actor, operation.Id, ct);
        }

        if (until is not null)
        {
            enforcer.Request(null);
        }

        var summary = servers.Count == 0
            ? $"{identity.Name} has no live VPN session now; it is kept off until {until:u}."
            : $"Disconnecting {identity.Name} on {servers.Count} server(s)." + (until is null ? "" : $" Kept off until {until:u}.");
        return CommandResult<Started>.Ok(new Started(operation.Id, servers.Count, summary, until), operation.Id);
    }

    /// <summary>Where a disconnect of <paramref name="identity"/> would go now: the servers it is connected to, by name.</summary>
    public Task<List<ConnectedServer>> WhereConnectedAsync(VpnIdentity identity, CancellationToken ct = default) =>
        ServersWithLiveSessionsAsync(db, identity, serverIds: null, ct);

    /// <summary>A server where the identity is connected, the name that server gave it, and how many sessions it has there.</summary>
    public sealed record ConnectedServer(Guid ServerId, string ServerName, string NameAsReported, int Sessions, DateTimeOffset LatestStart, DateTimeOffset LatestFirstSeen);

    /// <summary>How an identity is compared in SQL: upper-cased, as <see cref="VpnIdentity.Matches"/> ignores case.</summary>
    public static string Key(VpnIdentity identity) => identity.Name.ToUpperInvariant();

    /// <summary>
    /// The servers (all, or those given) where the identity has a live session, matched in the database against every
    /// name RRAS reported for a connection.
    /// </summary>
    public static async Task<List<ConnectedServer>> ServersWithLiveSessionsAsync(
        PortalDbContext db, VpnIdentity identity, IReadOnlyCollection<Guid>? serverIds, CancellationToken ct)
    {
        var key = Key(identity);
        var query = db.VpnSessions.AsNoTracking()
            .Where(s => s.EndedAt == null && (s.UserName.ToUpper() == key || s.UserNames.Any(n => n.ToUpper() == key)));
        // Every live session is looked at for the name: they are walked as stored, none of the history (decision 0026).
        query = serverIds is null
            ? query.ReadBy(nameof(PortalDbContext.VpnSessions), VpnSessionIndexes.ByEndedAt)
            : query.Where(s => serverIds.Contains(s.RrasServerId));

        var live = await query
            .Select(s => new { s.RrasServerId, ServerName = s.RrasServer!.Name, s.UserNames, s.ConnectionStartTime, s.FirstSeenAt })
            .ToListAsync(ct);
        return live
            .GroupBy(s => (s.RrasServerId, s.ServerName))
            .Select(g => new ConnectedServer(
                g.Key.RrasServerId,
                g.Key.ServerName,
                identity.NameAsReported(g.SelectMany(s => s.UserNames)),
                g.Count(),
                g.Max(s => s.ConnectionStartTime),
                g.Max(s => s.FirstSeenAt)))
            .OrderBy(s => s.ServerName, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }
}
