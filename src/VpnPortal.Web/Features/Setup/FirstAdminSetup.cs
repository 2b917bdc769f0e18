using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Setup;

/// <summary>
/// The portal ships with no default password: on an empty database it issues a one-time link, printed to the
/// console, where the first admin account is created.
/// </summary>
/// <remarks>
/// Scoped: the setup page is rendered on the server per request, and the request is the scope whose actor the new
/// admin becomes. <paramref name="users"/> works on the scope's <paramref name="db"/>.
/// </remarks>
public sealed class FirstAdminSetup(PortalDbContext db, UserManager<PortalUser> users, CurrentActor actor, TimeProvider time)
{
    public const string Path = "/setup";

    public sealed record Request(string Token, string Email, string DisplayName, string Password);

    /// <summary>Issues a new setup token when no account exists yet; earlier unused tokens stop working.</summary>
    public async Task<string?> IssueTokenIfNoUsersAsync(TimeSpan lifetime, CancellationToken ct = default)
    {
        if (await db.Users.AnyAsync(ct))
        {
            return null;
        }

        var now = time.GetUtcNow();
        await db.SetupTokens.Where(t => t.UsedAt == null).ExecuteDeleteAsync(ct);
        var token = ApiKeySecrets.NewToken();
        db.SetupTokens.Add(new SetupToken { Id = Guid.NewGuid(), TokenHash = ApiKeySecrets.Hash(token), CreatedAt = now, ExpiresAt = now + lifetime });
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>Is this token one that can still create the first admin? (The page asks before showing the form.)</summary>
    public async Task<bool> IsUsableAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return false;
        }

        var hash = ApiKeySecrets.Hash(token);
        var now = time.GetUtcNow();
        return await db.SetupTokens.AnyAsync(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now, ct)
            && !await db.Users.AnyAsync(ct);
    }

    /// <summary>Creates the first admin and burns the token, in one transaction; answers the new admin, to sign in.</summary>
    public async Task<CommandResult<PortalUser>> CreateFirstAdminAsync(Request request, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        if (AccountInput.ValidateEmail(request.Email) is { } email)
        {
            errors[nameof(Request.Email)] = email;
        }

        if (AccountInput.ValidateDisplayName(request.DisplayName) is { } name)
        {
            errors[nameof(Request.DisplayName)] = name;
        }

        if (errors.Count > 0)
        {
            return CommandResult<PortalUser>.Invalid(errors);
        }

        if (string.IsNullOrWhiteSpace(request.Token) || request.Token.Length > 100)
        {
            return CommandResult<PortalUser>.Invalid(nameof(Request.Token), "This setup link is not valid.");
        }

        var hash = ApiKeySecrets.Hash(request.Token);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var token = await db.SetupTokens.FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (token is null || token.UsedAt is not null || token.ExpiresAt <= now)
        {
            return CommandResult<PortalUser>.Conflict("This setup link has expired or was already used. Restart the portal to print a new one, or use the admin CLI.");
        }

        if (await db.Users.AnyAsync(ct))
        {
            return CommandResult<PortalUser>.Conflict("The portal already has accounts; sign in instead.");
        }

        var user = new PortalUser
        {
            Id = Guid.NewGuid(),
            UserName = request.Email.Trim(),
            Email = request.Email.Trim(),
            EmailConfirmed = true,
            DisplayName = request.DisplayName.Trim(),
            CreatedAt = now,
        };
        // Whoever holds the link acts, and becomes this admin: the audit log names them, not "anonymous".
        actor.Set(new AuditActor(AuditActorKind.User, user.Id, $"{user.Email} (setup link)", actor.Current.RemoteAddress));
        var created = await users.CreateAsync(user, request.Password);
        if (!created.Succeeded)
        {
            return Refused(created);
        }

        var role = await users.AddToRoleAsync(user, Roles.Admin);
        if (!role.Succeeded)
        {
            return Refused(role);
        }

        token.UsedAt = now;
        db.Audit("setup.first-admin-created", $"First admin {user.Email} created through the setup link", "user", user.Id.ToString());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return CommandResult<PortalUser>.Ok(user, user.Id);
    }

    /// <summary>What Identity refused (a weak password, say), in its own words.</summary>
    private static CommandResult<PortalUser> Refused(IdentityResult result) =>
        CommandResult<PortalUser>.Invalid("", string.Join(" ", result.Errors.Select(e => e.Description)));

    /// <summary>Once the server listens, prints the setup link if the database has no account.</summary>
    public static void PrintLinkWhenStarted(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            using var scope = app.Services.CreateScope();
            var sp = scope.ServiceProvider;
            var options = sp.GetRequiredService<IOptions<SetupOptions>>().Value;
            var token = sp.GetRequiredService<FirstAdminSetup>().IssueTokenIfNoUsersAsync(options.LinkLifetime).GetAwaiter().GetResult();
            if (token is null)
            {
                return;
            }

            var baseUrl = options.PublicBaseUrl
                ?? app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? "http://localhost:5000";
            baseUrl = baseUrl.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal)
                .Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);

            // Written to the console on purpose, not to the log: it is a one-time secret for the person starting the portal.
            Console.WriteLine();
            Console.WriteLine("  VpnPortal has no accounts yet. Create the first admin here (valid for " + options.LinkLifetime + ", once):");
            Console.WriteLine($"  {baseUrl.TrimEnd('/')}{Path}?token={token}");
            Console.WriteLine();
        });
    }
}
