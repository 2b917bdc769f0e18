using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Users;

/// <summary>An admin adds a local account with an initial password and its roles, in one transaction.</summary>
/// <remarks><paramref name="users"/> must work on <paramref name="db"/> (see PortalIdentity.UserManagerFor).</remarks>
public sealed class CreateUser(PortalDbContext db, UserManager<PortalUser> users, TimeProvider time)
{
    public const int MaxPasswordLength = 256;

    /// <summary>What the admin types. Mutable so the form can bind to it.</summary>
    public sealed class Request
    {
        public string? Email { get; set; }
        public string? DisplayName { get; set; }
        public string? Password { get; set; }
        public List<string> Roles { get; set; } = [Data.Roles.User];

        /// <summary>Field errors keyed by property name; the password's strength is checked by Identity's validators.</summary>
        public Dictionary<string, string> Validate()
        {
            var errors = new Dictionary<string, string>();
            void Check(string field, string? error)
            {
                if (error is not null)
                {
                    errors[field] = error;
                }
            }

            Check(nameof(Email), AccountInput.ValidateEmail(Email));
            Check(nameof(DisplayName), AccountInput.ValidateDisplayName(DisplayName));
            Check(nameof(Roles), UserRules.ValidateRoles(Roles));
            if (string.IsNullOrEmpty(Password))
            {
                errors[nameof(Password)] = "Enter an initial password.";
            }
            else if (Password.Length > MaxPasswordLength)
            {
                errors[nameof(Password)] = $"The password may have at most {MaxPasswordLength} characters.";
            }

            return errors;
        }
    }

    public static string TakenMessage(string email) => $"An account with the e-mail {email} already exists.";

    public async Task<CommandResult> RunAsync(Request request, CancellationToken ct = default)
    {
        var errors = request.Validate();
        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        var email = request.Email!.Trim();
        if (await IsTakenAsync(email))
        {
            return CommandResult.Invalid(nameof(Request.Email), TakenMessage(email));
        }

        var user = new PortalUser
        {
            Id = Guid.NewGuid(),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = request.DisplayName!.Trim(),
            CreatedAt = time.GetUtcNow(),
        };

        // Password rules first, so a weak password is reported under its field and nothing is written.
        var weak = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var checkedPassword = await validator.ValidateAsync(users, user, request.Password);
            weak.AddRange(checkedPassword.Errors.Select(e => e.Description));
        }

        if (weak.Count > 0)
        {
            return CommandResult.Invalid(nameof(Request.Password), string.Join(" ", weak));
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var created = await users.CreateAsync(user, request.Password!);
            if (!created.Succeeded)
            {
                var duplicate = created.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName));
                return duplicate ? CommandResult.Invalid(nameof(Request.Email), TakenMessage(email)) : UserRules.FromIdentity(created);
            }

            var roles = await users.AddToRolesAsync(user, request.Roles.Distinct());
            if (!roles.Succeeded)
            {
                return UserRules.FromIdentity(roles, nameof(Request.Roles));
            }

            await tx.CommitAsync(ct);
            return CommandResult.Ok(user.Id);
        }
        catch (DbUpdateException)
        {
            // Another admin added the same e-mail between our check and our insert: the unique user name index caught it.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            if (await IsTakenAsync(email))
            {
                return CommandResult.Invalid(nameof(Request.Email), TakenMessage(email));
            }

            throw;
        }
    }

    private async Task<bool> IsTakenAsync(string email) =>
        await users.FindByEmailAsync(email) is not null || await users.FindByNameAsync(email) is not null;
}
