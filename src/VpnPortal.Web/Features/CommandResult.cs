using Microsoft.EntityFrameworkCore;

namespace VpnPortal.Web.Features;

public enum CommandStatus
{
    Ok,
    Invalid,
    NotFound,
    Conflict,
}

/// <summary>The outcome of an admin's change: done, refused with field errors, gone, or stale.</summary>
public sealed record CommandResult(CommandStatus Status, IReadOnlyDictionary<string, string> Errors, Guid? Id = null, Guid? Version = null)
{
    public const string ConflictMessage = "This item was changed by someone else since you opened it. Reload to see their change, then make yours again.";

    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    public bool Succeeded => Status == CommandStatus.Ok;

    public static CommandResult Ok(Guid id, Guid? version = null) => new(CommandStatus.Ok, None, id, version);

    public static CommandResult Invalid(IReadOnlyDictionary<string, string> errors) => new(CommandStatus.Invalid, errors);

    public static CommandResult Invalid(string field, string message) => new(CommandStatus.Invalid, new Dictionary<string, string> { [field] = message });

    public static CommandResult NotFound(string message = "It no longer exists; someone may have removed it.") =>
        new(CommandStatus.NotFound, new Dictionary<string, string> { [""] = message });

    public static CommandResult Conflict() => new(CommandStatus.Conflict, new Dictionary<string, string> { [""] = ConflictMessage });

    /// <summary>All messages, field errors first, for a summary at the top of a form.</summary>
    public IReadOnlyList<string> Messages => Errors.OrderBy(e => e.Key.Length == 0).Select(e => e.Value).ToList();

    /// <summary>Saves, turning a stale version into <see cref="Conflict"/>.</summary>
    public static async Task<CommandResult> SaveAsync(DbContext db, Func<CommandResult> onSaved, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return onSaved();
        }
        catch (DbUpdateConcurrencyException)
        {
            return Conflict();
        }
    }
}
