using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// An admin says "we know" about an open finding, with a reason: it stays open and visible, shown muted and counted
/// apart. Taking the acknowledgement back makes it count again. A finding that resolves and fires again later is a new
/// finding, so an acknowledgement never outlives the problem it was about.
/// </summary>
/// <remarks>
/// Both answer with the finding after the change, or say why nothing changed (a refused reason under the field
/// <c>reason</c>, as the API names it).
/// </remarks>
public sealed class AcknowledgeFinding(PortalDbContext db, TimeProvider time, FleetEvents events, ListFindings list)
{
    public async Task<CommandResult<ListFindings.FindingRow?>> AcknowledgeAsync(Guid id, string? reason, AuditActor actor, CancellationToken ct = default)
    {
        var text = reason?.Trim() ?? "";
        if (text.Length == 0)
        {
            return CommandResult<ListFindings.FindingRow?>.Invalid(nameof(reason), "Give a reason: it is what the next admin reads when they see this finding muted.");
        }

        if (text.Length > FieldLimits.Notes)
        {
            return CommandResult<ListFindings.FindingRow?>.Invalid(nameof(reason), $"The reason has at most {FieldLimits.Notes} characters.");
        }

        var finding = await db.DiagnosticFindings.Include(f => f.Server).FirstOrDefaultAsync(f => f.Id == id, ct);
        if (finding is null)
        {
            return CommandResult<ListFindings.FindingRow?>.NotFound("There is no such finding.");
        }

        if (finding.ResolvedAt is not null)
        {
            return CommandResult<ListFindings.FindingRow?>.Conflict("This finding is resolved: there is nothing to acknowledge. If it fires again it opens as a new finding.");
        }

        if (finding.AcknowledgedAt is { } at)
        {
            return CommandResult<ListFindings.FindingRow?>.Conflict($"{finding.AcknowledgedBy} already acknowledged this finding on {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC: \"{finding.AcknowledgeReason}\". Take that back first to give another reason.");
        }

        finding.AcknowledgedAt = time.GetUtcNow();
        finding.AcknowledgedByUserId = actor.UserId;
        finding.AcknowledgedBy = Clip(actor.Name);
        finding.AcknowledgeReason = text;
        db.Audit(
            "finding.acknowledged",
            $"Acknowledged \"{finding.Title}\" on {await ServerNamesAsync(finding, ct)}: {text}",
            "diagnostic-finding",
            finding.Id.ToString(),
            after: new { finding.RuleId, finding.Key, Reason = text });
        await db.SaveChangesAsync(ct);
        Announce(finding);
        return CommandResult<ListFindings.FindingRow?>.Ok(await ReadAsync(id, ct), id);
    }

    public async Task<CommandResult<ListFindings.FindingRow?>> UnacknowledgeAsync(Guid id, AuditActor actor, CancellationToken ct = default)
    {
        var finding = await db.DiagnosticFindings.Include(f => f.Server).FirstOrDefaultAsync(f => f.Id == id, ct);
        if (finding is null)
        {
            return CommandResult<ListFindings.FindingRow?>.NotFound("There is no such finding.");
        }

        if (finding.AcknowledgedAt is null)
        {
            return CommandResult<ListFindings.FindingRow?>.Conflict("This finding is not acknowledged.");
        }

        var before = new { finding.RuleId, finding.Key, Reason = finding.AcknowledgeReason, finding.AcknowledgedBy, finding.AcknowledgedAt };
        finding.AcknowledgedAt = null;
        finding.AcknowledgedByUserId = null;
        finding.AcknowledgedBy = null;
        finding.AcknowledgeReason = null;
        db.Audit(
            "finding.unacknowledged",
            $"Took back the acknowledgement of \"{finding.Title}\" on {await ServerNamesAsync(finding, ct)} (it was: {before.Reason})",
            "diagnostic-finding",
            finding.Id.ToString(),
            before: before);
        await db.SaveChangesAsync(ct);
        Announce(finding);
        return CommandResult<ListFindings.FindingRow?>.Ok(await ReadAsync(id, ct), id);
    }

    /// <summary>The server's name, or for a finding about the fleet the names of the servers that report it.</summary>
    private async Task<string> ServerNamesAsync(DiagnosticFinding finding, CancellationToken ct) =>
        finding.Server?.Name
        ?? string.Join(", ", await db.Servers.AsNoTracking().Where(s => finding.ServerIds.Contains(s.Id)).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(ct));

    // Every page that shows the finding re-reads: its server's, or each server's of a finding about the fleet.
    private void Announce(DiagnosticFinding finding)
    {
        foreach (var server in finding.ServersConcerned)
        {
            events.Publish(new FleetChange(FleetChangeKind.FindingsChanged, server));
        }
    }

    private async Task<ListFindings.FindingRow?> ReadAsync(Guid id, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return (await list.RunAsync(new ListFindings.Query(FindingId: id, State: "all"), ct)).Items.SingleOrDefault();
    }

    private static string Clip(string value) => value.Length <= FieldLimits.Principal ? value : value[..FieldLimits.Principal];
}
