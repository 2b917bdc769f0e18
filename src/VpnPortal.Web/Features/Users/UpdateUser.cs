using System.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Users;

/// <summary>
/// An admin changes an account's display name and roles. Refused when someone changed the account since the
/// admin loaded it, and when it would remove the Admin role from the last enabled admin.
/// </summary>
/// <remarks><paramref name="users"/> must work on <paramref name="db"/> (see PortalIdentity.UserManagerFor).</remarks>
public sealed class UpdateUser(PortalDbContext db, UserManager<PortalUser> users)
{
    /// <summary>What the admin edits. Mutable so the form can bind to it.</summary>
    public sealed class Request
    {
        public Guid UserId { get; set; }
        public string? DisplayName { get; set; }
        public List<string> Roles { get; set; } = [];

        /// <summary>The account's concurrency stamp when the admin loaded it.</summary>
        public string ConcurrencyStamp { get; set; } = "";

        public static Request From(GetUser.Detail d) => new()
        {
            UserId = d.Id,
            DisplayName = d.DisplayName,
            Roles = [.. d.Roles],
            ConcurrencyStamp = d.ConcurrencyStamp,
        };

        public Dictionary<string, string> Validate()
        {
            var errors = new Dictionary<string, string>();
            if (AccountInput.ValidateDisplayName(DisplayName) is { } name)
            {
                errors[nameof(DisplayName)] = name;
            }

            if (UserRules.ValidateRoles(Roles) is { } roles)
            {
                errors[nameof(Roles)] = roles;
            }

            return errors;
        }
    }

    public async Task<CommandResult> RunAsync(Request request, CancellationToken ct = default)
    {
        var errors = request.Validate();
        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        // Serializable: the last-admin check and the change it allows must not interleave with another admin's.
        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
        try
        {
            var user = await UserRules.FindAsync(db, request.UserId, ct);
            if (user is null)
            {
                return UserRules.Gone();
            }

            if (user.ConcurrencyStamp != request.ConcurrencyStamp)
            {
                return CommandResult.Conflict();
            }

            var current = await users.GetRolesAsync(user);
            var wanted = request.Roles.Distinct().ToList();
            var toRemove = current.Except(wanted).ToList();
            var toAdd = wanted.Except(current).ToList();
            var name = request.DisplayName!.Trim();
            var renamed = name != user.DisplayName;
            if (!renamed && toRemove.Count == 0 && toAdd.Count == 0)
            {
                return CommandResult.Ok(user.Id);
            }

            if (toRemove.Contains(Roles.Admin) && !user.IsDisabled && !await UserRules.HasOtherEnabledAdminAsync(db, user.Id, ct))
            {
                return CommandResult.Invalid(nameof(Request.Roles), UserRules.LastAdminMessage(user.Email, "remove their Admin role"));
            }

            if (renamed)
            {
                user.DisplayName = name;
                var updated = await users.UpdateAsync(user);
                if (!updated.Succeeded)
                {
                    return UserRules.FromIdentity(updated, nameof(Request.DisplayName));
                }
            }

            if (toRemove.Count > 0)
            {
                var removed = await users.RemoveFromRolesAsync(user, toRemove);
                if (!removed.Succeeded)
                {
                    return UserRules.FromIdentity(removed, nameof(Request.Roles));
                }
            }

            if (toAdd.Count > 0)
            {
                var added = await users.AddToRolesAsync(user, toAdd);
                if (!added.Succeeded)
                {
                    return UserRules.FromIdentity(added, nameof(Request.Roles));
                }
            }

            await tx.CommitAsync(ct);
            return CommandResult.Ok(user.Id);
        }
        catch (Exception ex) when (UserRules.IsSerializationFailure(ex))
        {
            return CommandResult.Conflict();
        }
    }
}
