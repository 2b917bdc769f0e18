using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;

namespace VpnPortal.Web.Features.Servers;

/// <summary>Removes an RRAS or NPS server from the portal (its reported state goes with it; the audit log keeps the record).</summary>
public sealed class DeleteServer(PortalDbContext db)
{
    public async Task<CommandResult> DeleteAsync(Guid id, Guid version, CancellationToken ct = default)
    {
        var server = await db.Servers.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (server is null)
        {
            return CommandResult.NotFound();
        }

        if (server.Version != version)
        {
            return CommandResult.Conflict();
        }

        db.Entry(server).Property(s => s.Version).OriginalValue = version;
        db.Servers.Remove(server);
        return await CommandResult.SaveAsync(db, () => CommandResult.Ok(id), ct);
    }
}
