using Microsoft.EntityFrameworkCore;

namespace VpnPortal.Web.Features;

public enum CommandStatus
{
    Ok,
    Invalid,
    NotFound,
    Conflict,
    Forbidden,
}

/// <summary>
/// The outcome of a change: done, refused with field errors, gone, stale or in conflict with the current state, or not
/// the caller's to make. Pages show <see cref="Messages"/>; the API turns it into problem details in one place
/// (<see cref="Api.ApiResults"/>). A command that answers with something more than the changed item's id and version
/// answers with <see cref="CommandResult{T}"/>.
/// </summary>
public record CommandResult(CommandStatus Status, IReadOnlyDictionary<string, string> Errors, Guid? Id = null, Guid? Version = null)
{
    public const string ConflictMessage = "This item was changed by someone else since you opened it. Reload to see their change, then make yours again.";

    protected static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    public bool Succeeded => Status == CommandStatus.Ok;

    /// <summary>Every message in one sentence-separated line, or null when the command succeeded.</summary>
    public string? Error => Errors.Count == 0 ? null : string.Join(" ", Messages);

    /// <summary>All messages, field errors first, for a summary at the top of a form.</summary>
    public IReadOnlyList<string> Messages => Errors.OrderBy(e => e.Key.Length == 0).Select(e => e.Value).ToList();

    public static CommandResult Ok(Guid id, Guid? version = null) => new(CommandStatus.Ok, None, id, version);

    /// <summary>Done, for a command whose subject has no id of its own (a setting, a batch).</summary>
    public static CommandResult Done() => new(CommandStatus.Ok, None);

    public static CommandResult Invalid(IReadOnlyDictionary<string, string> errors) => new(CommandStatus.Invalid, errors);

    public static CommandResult Invalid(string field, string message) => new(CommandStatus.Invalid, One(field, message));

    public static CommandResult NotFound(string message = "It no longer exists; someone may have removed it.") =>
        new(CommandStatus.NotFound, One("", message));

    /// <summary>A stale version: someone else changed the item since it was read.</summary>
    public static CommandResult Conflict() => new(CommandStatus.Conflict, One("", ConflictMessage));

    /// <summary>The item's current state refuses the change (already lifted, already running, ...).</summary>
    public static CommandResult Conflict(string message) => new(CommandStatus.Conflict, One("", message));

    public static CommandResult Forbidden(string message) => new(CommandStatus.Forbidden, One("", message));

    /// <summary>This failure as the result of a command that would have answered with a <typeparamref name="T"/>.</summary>
    public CommandResult<T> As<T>() => Succeeded
        ? throw new InvalidOperationException("Only a failure carries over to another result type; a success needs its value.")
        : new CommandResult<T>(Status, Errors, default);

    /// <summary>Saves, turning a stale version into <see cref="Conflict()"/>.</summary>
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

    protected static IReadOnlyDictionary<string, string> One(string field, string message) => new Dictionary<string, string> { [field] = message };
}

/// <summary>
/// A <see cref="CommandResult"/> that, when done, carries what the command made or found. A refusal may carry what
/// explains it in detail (a rollout's check with every refusal and warning); <see cref="Api.ApiResults"/> answers a
/// refusal from its messages alone, and an endpoint adds the detail to the problem if clients need it.
/// </summary>
public sealed record CommandResult<T>(CommandStatus Status, IReadOnlyDictionary<string, string> Errors, T? Value)
    : CommandResult(Status, Errors)
{
    public static CommandResult<T> Ok(T value, Guid? id = null, Guid? version = null) =>
        new(CommandStatus.Ok, None, value) { Id = id, Version = version };

    public static new CommandResult<T> Invalid(IReadOnlyDictionary<string, string> errors) => new(CommandStatus.Invalid, errors, default);

    public static new CommandResult<T> Invalid(string field, string message) => new(CommandStatus.Invalid, One(field, message), default);

    public static new CommandResult<T> NotFound(string message = "It no longer exists; someone may have removed it.") =>
        new(CommandStatus.NotFound, One("", message), default);

    public static new CommandResult<T> Conflict() => new(CommandStatus.Conflict, One("", ConflictMessage), default);

    public static new CommandResult<T> Conflict(string message) => new(CommandStatus.Conflict, One("", message), default);

    public static new CommandResult<T> Forbidden(string message) => new(CommandStatus.Forbidden, One("", message), default);
}
