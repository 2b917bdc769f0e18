using Microsoft.EntityFrameworkCore;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Features.Sessions;

/// <summary>
/// Sessions RRAS keeps listing after the user left: no traffic for a while, or the same user or device connected
/// twice to one server (all but its newest connection). Ending them disconnects those connections alone, by tunnel
/// address, so the user's current session stays up.
/// </summary>
public sealed class StaleSessions(PortalDbContext db, TimeProvider time, AgentCommandQueue queue)
{
    public const string OperationKind = "session-cleanup";
    public const int MaxSessions = 1000;
    public static readonly TimeSpan DefaultIdle = TimeSpan.FromHours(2);

    /// <summary>A stale or duplicate session and why it is listed.</summary>
    public sealed record Candidate(
        Guid Id, Guid ServerId, string ServerName, string UserName, string? TunnelAddress, DateTimeOffset ConnectionStartTime,
        DateTimeOffset LastTrafficAt, bool Idle, bool Duplicate, string Reason);

    /// <summary>Stale sessions on one server (id) or the whole fleet (null), oldest traffic first.</summary>
    public async Task<IReadOnlyList<Candidate>> FindAsync(Guid? serverId, TimeSpan idleFor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var query = db.VpnSessions.AsNoTracking().Where(s => s.EndedAt == null);
        if (serverId is { } id)
        {
            query = query.Where(s => s.RrasServerId == id);
        }

        var idleBefore = now - idleFor;

        // Duplicates: a second live connection of one name on one server. Found in SQL, so a fleet of busy servers
        // loads only the candidates.
        var duplicatedNames = query
            .GroupBy(s => new { s.RrasServerId, Name = s.UserName.ToUpper() })
            .Where(g => g.Count() > 1)
            .Select(g => g.Key);
        var rows = await query
            .Where(s => s.LastSeenAt < idleBefore || duplicatedNames.Any(d => d.RrasServerId == s.RrasServerId && d.Name == s.UserName.ToUpper()))
            .Select(s => new { s.Id, s.RrasServerId, ServerName = s.RrasServer!.Name, s.UserName, s.ClientInternalAddress, s.ConnectionStartTime, s.LastSeenAt })
            .ToListAsync(ct);

        var newestOfName = rows
            .GroupBy(r => (r.RrasServerId, Name: r.UserName.ToUpperInvariant()))
            .Where(g => g.Count() > 1)
            .ToDictionary(g => g.Key, g => g.MaxBy(r => r.ConnectionStartTime)!.Id);
        var candidates = new List<Candidate>();
        foreach (var r in rows)
        {
            var idle = r.LastSeenAt < idleBefore;
            var key = (r.RrasServerId, r.UserName.ToUpperInvariant());
            var duplicate = newestOfName.TryGetValue(key, out var newest) && newest != r.Id;
            if (!idle && !duplicate)
            {
                continue; // the newest of a duplicated name, and in use: the one to keep
            }

            var reasons = new List<string>();
            if (idle)
            {
                reasons.Add($"no traffic for {Describe(now - r.LastSeenAt)}");
            }

            if (duplicate)
            {
                reasons.Add($"{r.UserName} has a newer connection to {r.ServerName}");
            }

            candidates.Add(new Candidate(
                r.Id, r.RrasServerId, r.ServerName, r.UserName, FirstAddress(r.ClientInternalAddress), r.ConnectionStartTime, r.LastSeenAt, idle, duplicate,
                string.Join("; ", reasons)));
        }

        return candidates.OrderBy(c => c.LastTrafficAt).ThenBy(c => c.ServerName, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public sealed record Ended(Guid OperationId, int Sessions, int Servers, string Summary);

    /// <summary>
    /// Ends the given live sessions: one <c>disconnect-sessions</c> command per server with their tunnel addresses, in
    /// one operation. Unknown, ended or address-less sessions are refused with the reason (under the field
    /// <c>SessionIds</c>), and nothing is queued.
    /// </summary>
    public async Task<CommandResult<Ended>> EndAsync(IReadOnlyCollection<Guid> sessionIds, AuditActor actor, CancellationToken ct = default)
    {
        var ids = sessionIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return Refused("Choose at least one session to end.");
        }

        if (ids.Count > MaxSessions)
        {
            return Refused($"At most {MaxSessions} sessions can be ended at once.");
        }

        var sessions = await db.VpnSessions.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new { s.Id, s.RrasServerId, ServerName = s.RrasServer!.Name, s.UserName, s.ClientInternalAddress, s.EndedAt })
            .ToListAsync(ct);
        var missing = ids.Count - sessions.Count;
        if (missing > 0)
        {
            return Refused($"{missing} of the chosen sessions do not exist (their server may have been removed); refresh the list.");
        }

        if (sessions.FirstOrDefault(s => s.EndedAt is not null) is { } ended)
        {
            return Refused($"{ended.UserName}'s session on {ended.ServerName} has already ended; refresh the list.");
        }

        if (sessions.FirstOrDefault(s => FirstAddress(s.ClientInternalAddress) is null) is { } unaddressed)
        {
            return Refused($"{unaddressed.UserName}'s session on {unaddressed.ServerName} has no tunnel address reported, so it cannot be ended alone; disconnect the user instead.");
        }

        var byServer = sessions.GroupBy(s => (s.RrasServerId, s.ServerName)).OrderBy(g => g.Key.ServerName, StringComparer.OrdinalIgnoreCase).ToList();
        var operation = new FleetOperation
        {
            Id = Guid.NewGuid(),
            Kind = OperationKind,
            Target = $"{sessions.Count} stale session(s)",
            RequestedByUserId = actor.UserId,
            CreatedAt = time.GetUtcNow(),
        };
        db.FleetOperations.Add(operation);
        foreach (var server in byServer)
        {
            queue.Stage(
                server.Key.RrasServerId,
                AgentCommandKinds.DisconnectSessions,
                new DisconnectSessionsPayload { TunnelAddresses = server.Select(s => FirstAddress(s.ClientInternalAddress)!).ToList() },
                actor,
                operation.Id);
        }

        db.Audit(
            "sessions.cleanup-started",
            $"End {sessions.Count} stale or duplicate session(s) on {byServer.Count} server(s)",
            "fleet-operation",
            operation.Id.ToString(),
            after: new { Sessions = sessions.Select(s => new { Server = s.ServerName, User = s.UserName, TunnelAddress = FirstAddress(s.ClientInternalAddress) }).ToList() });
        await db.SaveChangesAsync(ct);
        foreach (var server in byServer)
        {
            queue.Announce(server.Key.RrasServerId);
        }

        return CommandResult<Ended>.Ok(new Ended(operation.Id, sessions.Count, byServer.Count, $"Ending {sessions.Count} session(s) on {byServer.Count} server(s)."), operation.Id);
    }

    private static CommandResult<Ended> Refused(string message) => CommandResult<Ended>.Invalid("SessionIds", message);

    /// <summary>The first tunnel address of a session (the column lists them comma-separated).</summary>
    public static string? FirstAddress(string? addresses) =>
        addresses?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    public static string Describe(TimeSpan span) => span.TotalDays >= 2
        ? $"{span.TotalDays:0} days"
        : span.TotalHours >= 2
            ? $"{span.TotalHours:0} hours"
            : $"{Math.Max(1, span.TotalMinutes):0} minutes";
}
