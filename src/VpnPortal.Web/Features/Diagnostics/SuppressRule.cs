using Microsoft.EntityFrameworkCore;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Data;
using VpnPortal.Domain.Diagnostics;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Servers;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// An admin stops one rule from opening findings on one server until a date, with a reason (a known exception, a
/// change window). Findings already open stay visible, marked suppressed, and leave the dashboard's counts.
/// </summary>
public sealed class SuppressRule(PortalDbContext db, TimeProvider time, FleetEvents events)
{
    /// <summary>Suppressions are for a known exception or a change window, not for ever.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(365);

    /// <summary>The server by id or host name, the rule (its id), the reason, and when the suppression ends.</summary>
    public sealed record Request(string? Server, string? Rule, string? Reason, DateTimeOffset? ExpiresAt);

    /// <summary>The suppression made, or the field errors; a rule already suppressed on the server is a conflict.</summary>
    public async Task<CommandResult<ListSuppressions.Row>> RunAsync(Request request, AuditActor actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string>();
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length == 0)
        {
            errors[nameof(Request.Reason)] = "Give a reason: it is what the next admin reads while the rule is silent.";
        }
        else if (reason.Length > FieldLimits.Notes)
        {
            errors[nameof(Request.Reason)] = $"The reason has at most {FieldLimits.Notes} characters.";
        }

        var ruleId = request.Rule?.Trim() ?? "";
        var rule = DiagnosticRules.All.FirstOrDefault(r => string.Equals(r.Id, ruleId, StringComparison.OrdinalIgnoreCase));
        if (rule is null)
        {
            errors[nameof(Request.Rule)] = ruleId.Length == 0
                ? "Name the rule to suppress (its id, e.g. sstp.binding-mismatch)."
                : $"There is no rule '{Clip(ruleId)}'. Rule ids look like sstp.binding-mismatch; GET /api/v1/findings shows them.";
        }

        if (request.ExpiresAt is not { } expires)
        {
            errors[nameof(Request.ExpiresAt)] = "Say when the suppression ends.";
        }
        else if (expires <= now)
        {
            errors[nameof(Request.ExpiresAt)] = "The end of the suppression is in the past: choose a later time.";
        }
        else if (expires > now + MaxDuration)
        {
            errors[nameof(Request.ExpiresAt)] = $"A suppression lasts at most {MaxDuration.TotalDays:0} days; choose an earlier end and renew it if it is still needed then.";
        }

        var server = await FindServerAsync(request.Server, ct);
        if (server is null)
        {
            errors[nameof(Request.Server)] = string.IsNullOrWhiteSpace(request.Server)
                ? "Name the server (its id or host name)."
                : $"There is no server '{ServerLookup.Quote(request.Server)}'.";
        }

        if (errors.Count > 0)
        {
            return CommandResult<ListSuppressions.Row>.Invalid(errors);
        }

        if (await db.DiagnosticSuppressions.AsNoTracking()
                .Where(s => s.ServerId == server!.Id && s.RuleId == rule!.Id && s.LiftedAt == null && s.ExpiresAt > now)
                .Select(s => new { s.ExpiresAt, s.CreatedBy })
                .FirstOrDefaultAsync(ct) is { } existing)
        {
            return CommandResult<ListSuppressions.Row>.Conflict(
                $"{rule!.Id} is already suppressed on {server!.Name} until {existing.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC (by {existing.CreatedBy}). Lift that suppression first to set another.");
        }

        var suppression = new DiagnosticSuppression
        {
            Id = Guid.NewGuid(),
            ServerId = server!.Id,
            RuleId = rule!.Id,
            Reason = reason,
            CreatedByUserId = actor.UserId,
            CreatedBy = actor.Name.Length <= FieldLimits.Principal ? actor.Name : actor.Name[..FieldLimits.Principal],
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt!.Value,
        };
        db.DiagnosticSuppressions.Add(suppression);
        db.Audit(
            "diagnostic-suppression.created",
            $"Suppressed \"{rule.Title}\" ({rule.Id}) on {server.Name} until {suppression.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC: {reason}",
            "diagnostic-suppression",
            suppression.Id.ToString(),
            after: new { Server = server.Name, suppression.RuleId, suppression.Reason, suppression.ExpiresAt });
        await db.SaveChangesAsync(ct);
        events.Publish(new FleetChange(FleetChangeKind.FindingsChanged, server.Id));
        return CommandResult<ListSuppressions.Row>.Ok(ListSuppressions.ToRow(suppression, server.Name, server.Role, now), suppression.Id);
    }

    private async Task<ManagedServer?> FindServerAsync(string? server, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(server))
        {
            return null;
        }

        return await db.Servers.AsNoTracking().Matching(server).FirstOrDefaultAsync(ct);
    }

    private static string Clip(string value) => value.Length > 80 ? value[..80] + "…" : value;
}
