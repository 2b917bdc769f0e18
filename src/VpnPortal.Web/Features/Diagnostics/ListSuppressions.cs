using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Diagnostics;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>Suppressions of rules on servers: those in force (default), or every one with its history.</summary>
public sealed class ListSuppressions(PortalDbContext db, TimeProvider time)
{
    public const int MaxRows = 500;

    /// <summary>One suppression; State is active (in force now), lifted or expired.</summary>
    public sealed record Row(
        Guid Id, Guid ServerId, string ServerName, string ServerRole, string RuleId, string RuleTitle, string Reason, string CreatedBy, DateTimeOffset CreatedAt,
        DateTimeOffset ExpiresAt, DateTimeOffset? LiftedAt, string? LiftedBy, string State);

    public static Row ToRow(DiagnosticSuppression s, string serverName, ServerRole role, DateTimeOffset now) => new(
        s.Id, s.ServerId, serverName, role == ServerRole.Nps ? "nps" : "rras", s.RuleId, RuleTitle(s.RuleId), s.Reason, s.CreatedBy, s.CreatedAt, s.ExpiresAt,
        s.LiftedAt, s.LiftedBy, s.LiftedAt is not null ? "lifted" : s.ExpiresAt <= now ? "expired" : "active");

    public static string RuleTitle(string ruleId) => DiagnosticRules.All.FirstOrDefault(r => r.Id == ruleId)?.Title ?? ruleId;

    /// <summary>One server's suppressions (every server's when <paramref name="serverId"/> is null), only those in force or all, newest first, at most <see cref="MaxRows"/>.</summary>
    public async Task<IReadOnlyList<Row>> RunAsync(Guid? serverId, bool activeOnly, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var query = db.DiagnosticSuppressions.AsNoTracking().AsQueryable();
        if (serverId is { } id)
        {
            query = query.Where(s => s.ServerId == id);
        }

        if (activeOnly)
        {
            query = query.Where(s => s.LiftedAt == null && s.ExpiresAt > now);
        }

        var rows = await query.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id).Take(MaxRows)
            .Select(s => new { Suppression = s, s.Server!.Name, s.Server.Role })
            .ToListAsync(ct);
        return rows.Select(r => ToRow(r.Suppression, r.Name, r.Role, now)).ToList();
    }
}
