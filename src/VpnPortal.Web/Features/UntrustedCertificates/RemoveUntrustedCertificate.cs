using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.Features.UntrustedCertificates;

/// <summary>
/// Takes a certificate out of the untrusted set, fleet-wide: it is marked as being removed, a removal is queued (as the
/// admin) for every RRAS server that lists it in Untrusted Certificates, and it leaves the set once no server does.
/// </summary>
public sealed class RemoveUntrustedCertificate(PortalDbContext db, TimeProvider time, UntrustedCertificateConvergence convergence)
{
    /// <summary>Where the removal stands: LeftTheSet when no server listed it, so it is already gone from the set.</summary>
    public sealed record Removing(Guid Id, string Sha1Thumbprint, string Subject, int CommandsQueued, bool LeftTheSet, string Summary);

    /// <summary>
    /// By SHA-1 thumbprint (the API), or by entry id with the version the admin saw (the page: a stale version is a conflict).
    /// Asking again for a certificate already being removed changes nothing and says where it stands.
    /// </summary>
    public async Task<CommandResult<Removing>> RunAsync(string? sha1Thumbprint, Guid? id, Guid? version, AuditActor actor, CancellationToken ct = default)
    {
        var sha1 = Thumbprints.Normalize(sha1Thumbprint);
        if (id is null && sha1 is not { Length: 40 })
        {
            return CommandResult<Removing>.Invalid("", "A SHA-1 thumbprint is 40 hexadecimal characters (spaces and colons are ignored).");
        }

        var (found, outcome) = await convergence.ChangeAndConvergeAsync(db, actor, () => RequestRemovalAsync(sha1, id, version, actor, ct), ct);
        if (!found.Succeeded)
        {
            return found.As<Removing>();
        }

        var entry = found.Value!;
        db.ChangeTracker.Clear();
        var left = !await db.UntrustedCertificates.AnyAsync(u => u.Id == entry.Id, ct);
        var queued = outcome?.Queued ?? 0;
        var name = DistinguishedNames.ShortName(entry.Subject);
        var summary = left
            ? $"{name} is out of the untrusted set: no RRAS server lists it in Untrusted Certificates."
            : $"Removing {name} from Untrusted Certificates{(queued > 0 ? $": removals queued on {queued} {(queued == 1 ? "server" : "servers")}" : "")}; it leaves the set once no server reports it.";
        return CommandResult<Removing>.Ok(new Removing(entry.Id, entry.Sha1Thumbprint, entry.Subject, queued, left, summary), entry.Id);
    }

    /// <summary>The entry in the set, as it is being removed.</summary>
    private sealed record Entry(Guid Id, string Sha1Thumbprint, string Subject);

    private async Task<(CommandResult<Entry> Result, Guid? EntryId)> RequestRemovalAsync(string? sha1, Guid? id, Guid? version, AuditActor actor, CancellationToken ct)
    {
        var entry = await db.UntrustedCertificates.Include(u => u.Certificate).Include(u => u.Placements)
            .FirstOrDefaultAsync(u => id != null ? u.Id == id : u.Certificate!.Sha1Thumbprint == sha1, ct);
        if (entry is null)
        {
            return (CommandResult<Entry>.NotFound($"{(sha1 is null ? "That certificate" : $"Certificate {sha1}")} is not in the untrusted set."), null);
        }

        if (version is { } seen && seen != entry.Version)
        {
            return (CommandResult<Entry>.Conflict(), null);
        }

        var certificate = entry.Certificate!;
        var found = CommandResult<Entry>.Ok(new Entry(entry.Id, certificate.Sha1Thumbprint, certificate.Subject), entry.Id);
        if (entry.RemovalRequestedAt is not null)
        {
            return (found, entry.Id);
        }

        entry.RemovalRequestedAt = time.GetUtcNow();
        entry.RemovalRequestedByUserId = actor.UserId;
        foreach (var placement in entry.Placements)
        {
            // From now on its absence is the goal; if it is put back later, absence then is not drift.
            placement.ConfirmedAt = null;
        }

        if (version is { } expected)
        {
            db.Entry(entry).Property(u => u.Version).OriginalValue = expected;
        }

        db.Audit(
            "untrusted-certificate.removal-requested",
            $"Took {DistinguishedNames.ShortName(certificate.Subject)} out of the untrusted set: removing it from Untrusted Certificates on every RRAS server",
            "untrusted-certificate",
            entry.Id.ToString(),
            before: new { certificate.Sha1Thumbprint, certificate.Subject, entry.Reason });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (CommandResult<Entry>.Conflict(), null);
        }

        return (found, entry.Id);
    }
}
