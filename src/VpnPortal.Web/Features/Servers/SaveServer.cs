using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Servers;

/// <summary>
/// Adds a server by hand, or edits one, whatever its role: validates, refuses duplicate names (across RRAS and
/// NPS, any case) and edits made from a stale version. The role's save says how its own fields are applied.
/// </summary>
public abstract class SaveServer<TServer, TInput>(PortalDbContext db)
    where TServer : ManagedServer, new()
    where TInput : ServerInput
{
    public async Task<CommandResult> CreateAsync(TInput input, CancellationToken ct = default)
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

        var server = new TServer { Id = Guid.NewGuid() };
        input.ApplyCommonTo(server);
        Apply(input, server);
        db.Set<TServer>().Add(server);
        return await SaveAsync(server, name, ct);
    }

    public async Task<CommandResult> UpdateAsync(Guid id, TInput input, CancellationToken ct = default)
    {
        var errors = input.Validate();
        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        var server = await db.Set<TServer>().FirstOrDefaultAsync(s => s.Id == id, ct);
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
        input.ApplyCommonTo(server);
        Apply(input, server);
        return await SaveAsync(server, name, ct);
    }

    /// <summary>Copies the fields only this role has onto the entity.</summary>
    protected abstract void Apply(TInput input, TServer server);

    private async Task<CommandResult> SaveAsync(TServer server, string name, CancellationToken ct)
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
                return CommandResult.Invalid(nameof(ServerInput.Name), ServerNames.TakenMessage(name));
            }

            throw;
        }
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
