using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.Features.Alerts;

/// <summary>
/// Silences: for a while, alerts on one certificate, or on certificates installed only on silenced servers, stay visible
/// but notify nobody. Each needs a reason and an end; creating and ending them is audited.
/// </summary>
public sealed class Silences(PortalDbContext db, TimeProvider time)
{
    /// <summary>The longest a silence may last: long enough for a planned renewal, short enough not to be forgotten.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(30);

    public sealed record Request(SilenceScope Scope, string? Sha1Thumbprint, Guid? ServerId, TimeSpan Duration, string? Reason);

    public sealed record Row(
        Guid Id, string Scope, string Target, string? Sha1Thumbprint, Guid? ServerId, string Reason, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
        string CreatedBy, DateTimeOffset? EndedEarlyAt, string? EndedEarlyBy, bool Active, Guid Version);

    public async Task<CommandResult> CreateAsync(Request request, AuditActor actor, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            errors["reason"] = "Say why notifications should stop (e.g. \"renewal planned for Friday\").";
        }
        else if (reason.Length > FieldLimits.Notes)
        {
            errors["reason"] = $"The reason is at most {FieldLimits.Notes} characters.";
        }

        if (request.Duration < TimeSpan.FromMinutes(5) || request.Duration > MaxDuration)
        {
            errors["duration"] = "A silence lasts from 5 minutes to 30 days.";
        }

        string? sha1 = null;
        switch (request.Scope)
        {
            case SilenceScope.Certificate:
                sha1 = Thumbprints.Normalize(request.Sha1Thumbprint);
                if (sha1 is not { Length: 40 })
                {
                    errors["sha1Thumbprint"] = "A SHA-1 thumbprint is 40 hexadecimal characters.";
                }

                break;
            case SilenceScope.Server:
                if (request.ServerId is not { } serverId || !await db.Servers.AnyAsync(s => s.Id == serverId, ct))
                {
                    errors["serverId"] = "Choose a server the portal knows.";
                }

                break;
            default:
                errors["scope"] = "A silence is for a certificate or a server.";
                break;
        }

        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var silence = new AlertSilence
        {
            Id = Guid.NewGuid(),
            Scope = request.Scope,
            Sha1Thumbprint = sha1,
            ServerId = request.Scope == SilenceScope.Server ? request.ServerId : null,
            Reason = reason!,
            StartsAt = now,
            EndsAt = now + request.Duration,
            CreatedAt = now,
            CreatedByUserId = actor.UserId,
            CreatedBy = actor.Name,
        };
        db.AlertSilences.Add(silence);
        await db.SaveChangesAsync(ct);
        return CommandResult.Ok(silence.Id, silence.Version);
    }

    /// <summary>Ends a silence now; ending one that is already over changes nothing.</summary>
    public async Task<CommandResult> EndAsync(Guid id, AuditActor actor, CancellationToken ct = default)
    {
        var silence = await db.AlertSilences.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (silence is null)
        {
            return CommandResult.NotFound("There is no such silence.");
        }

        var now = time.GetUtcNow();
        if (silence.EndedEarlyAt is not null || silence.EndsAt <= now)
        {
            return CommandResult.Ok(silence.Id, silence.Version);
        }

        silence.EndedEarlyAt = now;
        silence.EndedEarlyBy = actor.Name;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return CommandResult.Conflict();
        }

        return CommandResult.Ok(silence.Id, silence.Version);
    }

    /// <summary>Active silences first, then the most recent ended ones.</summary>
    public async Task<IReadOnlyList<Row>> ListAsync(int take = 100, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var rows = await db.AlertSilences.AsNoTracking()
            .OrderByDescending(s => s.EndsAt)
            .Take(Math.Clamp(take, 1, 500))
            .Select(s => new { s.Id, s.Scope, s.Sha1Thumbprint, s.ServerId, ServerName = s.Server == null ? null : s.Server.Name, s.Reason, s.StartsAt, s.EndsAt, s.CreatedBy, s.EndedEarlyAt, s.EndedEarlyBy, s.Version })
            .ToListAsync(ct);
        return rows
            .Select(s => new Row(
                s.Id, s.Scope == SilenceScope.Certificate ? "certificate" : "server", s.Scope == SilenceScope.Certificate ? s.Sha1Thumbprint! : s.ServerName ?? "(removed server)",
                s.Sha1Thumbprint, s.ServerId, s.Reason, s.StartsAt, s.EndsAt, s.CreatedBy, s.EndedEarlyAt, s.EndedEarlyBy,
                s.EndedEarlyAt is null && s.StartsAt <= now && s.EndsAt > now, s.Version))
            .OrderByDescending(s => s.Active).ThenByDescending(s => s.EndsAt)
            .ToList();
    }
}
