using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Users;

/// <summary>Rules every change to an account obeys: the portal always keeps an enabled admin, and roles are the portal's three.</summary>
public static class UserRules
{
    private static readonly string AdminNormalized = Roles.Admin.ToUpperInvariant();

    /// <summary>Is there an enabled admin other than <paramref name="userId"/>? (Locked-out admins count: a lockout ends by itself.)</summary>
    public static Task<bool> HasOtherEnabledAdminAsync(PortalDbContext db, Guid userId, CancellationToken ct) =>
        db.Users.AnyAsync(
            u => u.Id != userId && !u.IsDisabled
                && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.NormalizedName == AdminNormalized)),
            ct);

    /// <summary>What a role lets its holder do, in the words the pages show next to its checkbox.</summary>
    public static string Describe(string role) => role switch
    {
        Roles.Admin => "Every change to the fleet, users and settings; the audit log.",
        Roles.OnCall => "Reads the fleet, certificates and alerts.",
        Roles.User => "A VPN user: their own account, sign-in methods and API keys.",
        _ => "",
    };

    public static string LastAdminMessage(string? email, string change) =>
        $"{email} is the last enabled admin, so you cannot {change}. Make another account an admin first.";

    /// <summary>The problem with a set of roles, or null. Every account has at least one role, so no account is left in limbo.</summary>
    public static string? ValidateRoles(IReadOnlyCollection<string>? roles)
    {
        if (roles is null || roles.Count == 0)
        {
            return "Choose at least one role.";
        }

        var unknown = roles.FirstOrDefault(r => !Roles.All.Contains(r));
        return unknown is null ? null : $"'{unknown}' is not a role. The roles are {string.Join(", ", Roles.All)}.";
    }

    /// <summary>An Identity failure as a command result: a stale write is a conflict, anything else is shown under <paramref name="field"/>.</summary>
    public static CommandResult FromIdentity(IdentityResult result, string field = "") =>
        result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure))
            ? CommandResult.Conflict()
            : CommandResult.Invalid(field, string.Join(" ", result.Errors.Select(e => e.Description)));

    /// <summary>
    /// PostgreSQL refuses one of two serializable transactions that would together break a rule (two admins
    /// demoting each other at once), SQL Server makes one the victim of their deadlock: for the person it is the same as
    /// a stale edit. SQLite serializes writers. See <see cref="LostRaces.IsSerializationFailure"/>.
    /// </summary>
    public static bool IsSerializationFailure(Exception ex) => LostRaces.IsSerializationFailure(ex);

    internal static Task<PortalUser?> FindAsync(PortalDbContext db, Guid id, CancellationToken ct) =>
        db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);

    internal static CommandResult Gone() => CommandResult.NotFound("This account does not exist.");
}
