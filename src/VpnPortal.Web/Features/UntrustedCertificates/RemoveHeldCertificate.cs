using Microsoft.EntityFrameworkCore;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Data;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Naming;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Servers;

namespace VpnPortal.Web.Features.UntrustedCertificates;

/// <summary>
/// "Remove from the server": queues, as the admin, the agent command that takes a certificate the portal does not manage
/// out of one server's Untrusted Certificates store. A certificate of the set is refused: the portal would put it back,
/// so it leaves the set instead.
/// </summary>
public sealed class RemoveHeldCertificate(PortalDbContext db, AgentCommandQueue queue)
{
    /// <summary>The removal queued: the command, the server and the certificate.</summary>
    public sealed record Queued(Guid CommandId, Guid ServerId, string ServerName, string Sha1Thumbprint, string Subject, string Summary);

    /// <param name="sha1Thumbprint">The certificate.</param>
    /// <param name="server">The server, by id or name.</param>
    /// <param name="actor">Who asks: the command is queued and audited as them.</param>
    /// <param name="ct">Cancels before anything is saved.</param>
    public async Task<CommandResult<Queued>> RunAsync(string? sha1Thumbprint, string? server, AuditActor actor, CancellationToken ct = default)
    {
        var sha1 = Thumbprints.Normalize(sha1Thumbprint);
        if (sha1 is not { Length: 40 })
        {
            return CommandResult<Queued>.Invalid("", "A SHA-1 thumbprint is 40 hexadecimal characters (spaces and colons are ignored).");
        }

        if (string.IsNullOrWhiteSpace(server))
        {
            return CommandResult<Queued>.Invalid(nameof(server), "Name the server to remove it from (its id or name).");
        }

        var target = await FindServerAsync(server.Trim(), ct);
        if (target is null)
        {
            return CommandResult<Queued>.NotFound($"There is no server '{ServerLookup.Quote(server)}'.");
        }

        var certificate = await db.Certificates.AsNoTracking().Where(c => c.Sha1Thumbprint == sha1).Select(c => new { c.Id, c.Subject }).FirstOrDefaultAsync(ct);
        if (certificate is null)
        {
            return CommandResult<Queued>.NotFound($"No certificate with SHA-1 {sha1} is known to the portal.");
        }

        var name = DistinguishedNames.ShortName(certificate.Subject);
        if (!await db.CertificateLocations.AnyAsync(l => l.CertificateId == certificate.Id && l.ServerId == target.Id && l.Store == CertificateStoreName.Disallowed, ct))
        {
            return CommandResult<Queued>.NotFound($"{target.Name} does not hold {name} in its Untrusted Certificates store (as of its last report).");
        }

        if (await db.UntrustedCertificates.AsNoTracking().Where(u => u.CertificateId == certificate.Id).Select(u => new { u.RemovalRequestedAt }).FirstOrDefaultAsync(ct) is { } entry)
        {
            return CommandResult<Queued>.Conflict(entry.RemovalRequestedAt is null
                ? $"{name} is in the untrusted set: the portal keeps it on every RRAS server and would put it back. Take it out of the set instead."
                : $"{name} is being taken out of the untrusted set: the portal is removing it from every server already.");
        }

        if (target.Agent is null || target.Agent.RevokedAt is not null)
        {
            return CommandResult<Queued>.Conflict($"{target.Name} has no enrolled agent to run the removal. Remove it on the server: Remove-Item Cert:\\LocalMachine\\Disallowed\\{sha1}");
        }

        var pending = await DisallowedCommands.ReadAsync(
            db.AgentCommands.AsNoTracking().Where(c => c.ServerId == target.Id && c.Kind == AgentCommandKinds.RemoveCertificate
                && (c.Status == AgentCommandStatus.Queued || c.Status == AgentCommandStatus.Delivered)),
            ct);
        if (pending.FirstOrDefault(c => c.Sha1Thumbprint == sha1) is { } already)
        {
            return CommandResult<Queued>.Conflict($"A removal of {name} from {target.Name} is already waiting for its agent (asked {ListUntrustedCertificates.Utc(already.CreatedAt)}).");
        }

        var command = queue.Stage(target.Id, AgentCommandKinds.RemoveCertificate, new RemoveCertificatePayload { Store = CertificateStoreKind.Disallowed, Sha1Thumbprint = sha1 }, actor);
        db.Audit(
            "untrusted-certificate.removal-from-server-requested",
            $"Asked {target.Name} to remove {name} from its Untrusted Certificates store (the portal had not put it there)",
            "agent-command",
            command.Id.ToString(),
            after: new { Server = target.Name, Sha1Thumbprint = sha1, certificate.Subject });
        await db.SaveChangesAsync(ct);
        queue.Announce(target.Id);
        return CommandResult<Queued>.Ok(
            new Queued(command.Id, target.Id, target.Name, sha1, certificate.Subject, $"Removal of {name} queued for {target.Name}; it leaves this list once the server reports its store without it."),
            command.Id);
    }

    private Task<ManagedServer?> FindServerAsync(string server, CancellationToken ct) =>
        db.Servers.AsNoTracking().Include(s => s.Agent).Matching(server).FirstOrDefaultAsync(ct);
}
