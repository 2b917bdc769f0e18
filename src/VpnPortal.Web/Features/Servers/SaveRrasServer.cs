using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.Features.Servers;

/// <summary>Adds an RRAS server by hand, or edits one, refusing stale edits and duplicate names.</summary>
public sealed class SaveRrasServer(PortalDbContext db)
{
    public async Task<CommandResult> CreateAsync(RrasServerInput input, CancellationToken ct = default)
    {
        var errors = input.Validate();
        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        var name = input.Name!.Trim();
        if (await ServerNames.IsTakenAsync(db, name, null, ct))
        {
            return CommandResult.Invalid(nameof(input.Name), ServerNames.TakenMessage(name));
        }

        var server = new RrasServer { Id = Guid.NewGuid() };
        Apply(input, server);
        db.RrasServers.Add(server);
        return await SaveAsync(server, name, ct);
    }

    public async Task<CommandResult> UpdateAsync(Guid id, RrasServerInput input, CancellationToken ct = default)
    {
        var errors = input.Validate();
        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        var server = await db.RrasServers.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (server is null)
        {
            return CommandResult.NotFound();
        }

        if (server.Version != input.Version)
        {
            return CommandResult.Conflict();
        }

        var name = input.Name!.Trim();
        if (await ServerNames.IsTakenAsync(db, name, id, ct))
        {
            return CommandResult.Invalid(nameof(input.Name), ServerNames.TakenMessage(name));
        }

        // The edit is checked against the version the admin loaded, not the one just read.
        db.Entry(server).Property(s => s.Version).OriginalValue = input.Version;
        Apply(input, server);
        return await SaveAsync(server, name, ct);
    }

    private async Task<CommandResult> SaveAsync(RrasServer server, string name, CancellationToken ct)
    {
        try
        {
            return await CommandResult.SaveAsync(db, () => CommandResult.Ok(server.Id, server.Version), ct);
        }
        catch (DbUpdateException)
        {
            // Another admin added the same name between our check and our insert: the unique index caught it.
            db.ChangeTracker.Clear();
            if (await ServerNames.IsTakenAsync(db, name, server.Id, ct))
            {
                return CommandResult.Invalid(nameof(RrasServerInput.Name), ServerNames.TakenMessage(name));
            }

            throw;
        }
    }

    private static void Apply(RrasServerInput input, RrasServer server)
    {
        server.Name = input.Name!.Trim();
        server.HostFqdn = string.IsNullOrWhiteSpace(input.HostFqdn) ? null : HostNames.Normalize(input.HostFqdn);
        server.PublicFqdns = input.PublicFqdnList();
        server.Site = string.IsNullOrWhiteSpace(input.Site) ? null : input.Site.Trim();
        server.Protocols = input.Protocols;
        server.SstpListenerPort = input.SstpListenerPort;
        server.TlsOffload = input.TlsOffload;
        server.LoadBalancerCertificateSha256 = Thumbprints.Normalize(input.LoadBalancerCertificateSha256);
        server.Notes = string.IsNullOrWhiteSpace(input.Notes) ? null : input.Notes.Trim();
    }
}

/// <summary>Server names are unique across RRAS and NPS, compared without regard to case.</summary>
public static class ServerNames
{
    public static string TakenMessage(string name) => $"A server named {name} already exists.";

    public static Task<bool> IsTakenAsync(PortalDbContext db, string name, Guid? exceptId, CancellationToken ct)
    {
        var upper = name.Trim().ToUpperInvariant();
        return db.Servers.AnyAsync(s => s.Name.ToUpper() == upper && s.Id != exceptId, ct);
    }
}
