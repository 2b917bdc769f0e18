using System.Net.Mail;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Accounts;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Account.Oidc;

/// <summary>What a validated id_token says about a person, read with the configured claim names.</summary>
public sealed record ExternalIdentity(
    string Issuer,
    string Subject,
    string? Email,
    bool EmailVerified,
    string? UserPrincipalName,
    string? Name,
    ExternalRoleClaims RoleClaims)
{
    public static ExternalIdentity From(ClaimsPrincipal principal, OidcOptions o)
    {
        string? First(string type) => principal.FindFirst(type)?.Value is { Length: > 0 } v ? v.Trim() : null;
        var names = o.Claims;
        // Entra ID: oid+tid is the person in the directory, the same for every app; sub is per app. Elsewhere: sub.
        var subject = First("oid") is { } oid && First("tid") is { } tid ? $"{tid}:{oid}" : First("sub")!;
        var overage = First("_claim_names") is { } claimNames && claimNames.Contains($"\"{names.Groups}\"", StringComparison.Ordinal)
            || string.Equals(First("hasgroups"), "true", StringComparison.OrdinalIgnoreCase);
        return new ExternalIdentity(
            First("iss")!,
            subject,
            First(names.Email),
            string.Equals(First(names.EmailVerified), "true", StringComparison.OrdinalIgnoreCase),
            First(names.UserPrincipalName),
            First(names.Name),
            new ExternalRoleClaims(Values(principal, names.Roles), Values(principal, names.Groups), overage));
    }

    /// <summary>A claim's values whether the token had one string or an array (the JWT handler makes one claim per element).</summary>
    private static List<string> Values(ClaimsPrincipal principal, string type) =>
        principal.FindAll(type).Select(c => c.Value).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The address the portal account gets: the e-mail claim, else a UPN that is an address.</summary>
    public string? AccountEmail =>
        new[] { Email, UserPrincipalName }.FirstOrDefault(a => a is { Length: <= FieldLimits.Principal } && MailAddress.TryCreate(a, out var m) && m.Address == a);
}

/// <summary>The outcome of an organisation sign-in.</summary>
public sealed record OidcSignInResult(PortalUser? User, string? Refusal, string? Detail)
{
    public static OidcSignInResult Refused(string reason, string detail) => new(null, reason, detail);
}

/// <summary>
/// Turns a validated id_token into a portal session: finds the account by its external login (issuer + subject),
/// else links an existing local account when configured, else creates one; refuses disabled accounts, break-glass
/// accounts and people without a mapped role; applies the mapped roles at every sign-in (audited), signs in.
/// </summary>
public sealed class OidcSignIn(
    PortalDbContext db,
    UserManager<PortalUser> users,
    SignInManager<PortalUser> signIn,
    SignInRecorder recorder,
    CurrentActor actor,
    TimeProvider time,
    IOptions<OidcOptions> options,
    IOptionsSnapshot<LocalSignInOptions> local)
{
    public async Task<OidcSignInResult> SignInAsync(ClaimsPrincipal principal, string idToken, CancellationToken ct)
    {
        var o = options.Value;
        var external = ExternalIdentity.From(principal, o);
        var user = await users.FindByLoginAsync(external.Issuer, external.Subject);
        if (user is { IsDisabled: true })
        {
            return OidcSignInResult.Refused(OidcFailures.Disabled, $"{user.UserName} is disabled");
        }

        var decision = ExternalRoleMapping.Decide(external.RoleClaims, o.RoleMapView, Roles.All, o.EffectiveDefaultRole);
        var who = user?.UserName ?? external.AccountEmail ?? external.UserPrincipalName ?? external.Subject;
        if (decision.Refused)
        {
            return OidcSignInResult.Refused(decision.Refusal!, decision.Refusal == OidcFailures.GroupsOverage
                ? $"{who}: the token's groups overflowed and no app role maps"
                : $"{who}: no app role or group in the token maps to a portal role");
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (user is null)
        {
            var (found, refusal) = await LinkOrCreateAsync(external, o, ct);
            if (found is null)
            {
                return refusal!;
            }

            user = found;
        }
        else
        {
            ActAs(user, o);
        }

        if (user.IsDisabled)
        {
            return OidcSignInResult.Refused(OidcFailures.Disabled, $"{user.UserName} is disabled");
        }

        if (local.Value.IsBreakGlass(user.Email))
        {
            return OidcSignInResult.Refused(OidcFailures.BreakGlass, $"{user.UserName} is a break-glass account and signs in with its password only");
        }

        await RefreshProfileAsync(user, external);
        if (await ApplyRolesAsync(user, decision.Roles, o) is { } failed)
        {
            return failed;
        }

        await tx.CommitAsync(ct);

        var properties = new AuthenticationProperties { IsPersistent = false };
        properties.StoreTokens([new AuthenticationToken { Name = OidcScheme.IdTokenName, Value = idToken }]);
        await signIn.SignInAsync(user, properties, OidcScheme.Name);
        await recorder.RecordAsync(user, OidcScheme.Name, ct);
        return new OidcSignInResult(user, null, null);
    }

    private async Task<(PortalUser? User, OidcSignInResult? Refusal)> LinkOrCreateAsync(ExternalIdentity external, OidcOptions o, CancellationToken ct)
    {
        var email = external.AccountEmail;
        var existing = email is null ? null : await users.FindByEmailAsync(email);
        if (existing is null && o.LinkByUserPrincipalName && external.UserPrincipalName is { } upn)
        {
            var normalized = upn.ToUpperInvariant();
            existing = await db.Users.FirstOrDefaultAsync(u => u.UserPrincipalName != null && u.UserPrincipalName.ToUpper() == normalized, ct);
        }

        if (existing is not null)
        {
            var byEmail = o.LinkByVerifiedEmail && external.EmailVerified && string.Equals(existing.Email, external.Email, StringComparison.OrdinalIgnoreCase);
            var byUpn = o.LinkByUserPrincipalName && external.UserPrincipalName is not null
                && string.Equals(existing.UserPrincipalName, external.UserPrincipalName, StringComparison.OrdinalIgnoreCase);
            if (!byEmail && !byUpn)
            {
                return (null, OidcSignInResult.Refused(OidcFailures.AccountExists, $"{existing.UserName} exists and linking by {(o.LinkByVerifiedEmail || o.LinkByUserPrincipalName ? "verified e-mail or UPN did not match" : "e-mail or UPN is off")}"));
            }

            var logins = await users.GetLoginsAsync(existing);
            if (logins.Any(l => l.LoginProvider == external.Issuer))
            {
                return (null, OidcSignInResult.Refused(OidcFailures.LinkedElsewhere, $"{existing.UserName} is already linked to another subject of this provider"));
            }

            if (existing.IsDisabled)
            {
                return (null, OidcSignInResult.Refused(OidcFailures.Disabled, $"{existing.UserName} is disabled"));
            }

            if (local.Value.IsBreakGlass(existing.Email))
            {
                return (null, OidcSignInResult.Refused(OidcFailures.BreakGlass, $"{existing.UserName} is a break-glass account and signs in with its password only"));
            }

            ActAs(existing, o);
            db.Audit("account.linked", $"Linked {existing.UserName} to its {o.DisplayName} account (by {(byEmail ? "verified e-mail" : "UPN")})", "user", existing.Id.ToString());
            var added = await users.AddLoginAsync(existing, new UserLoginInfo(external.Issuer, external.Subject, o.DisplayName));
            return added.Succeeded ? (existing, null) : (null, NotCreated(existing.UserName, added));
        }

        if (email is null)
        {
            return (null, OidcSignInResult.Refused(OidcFailures.NoEmail, $"subject {external.Subject} has neither an e-mail nor a UPN that is an address"));
        }

        var user = new PortalUser
        {
            Id = Guid.NewGuid(),
            UserName = email,
            Email = email,
            EmailConfirmed = external.EmailVerified,
            DisplayName = DisplayNameOf(external, email),
            UserPrincipalName = external.UserPrincipalName is { Length: <= FieldLimits.Principal } upnValue ? upnValue : null,
            CreatedAt = time.GetUtcNow(),
        };
        ActAs(user, o);
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            return (null, NotCreated(email, created));
        }

        db.Audit("account.created-at-sign-in", $"Created {email} at their first sign-in with {o.DisplayName}", "user", user.Id.ToString());
        var linked = await users.AddLoginAsync(user, new UserLoginInfo(external.Issuer, external.Subject, o.DisplayName));
        return linked.Succeeded ? (user, null) : (null, NotCreated(email, linked));
    }

    private async Task RefreshProfileAsync(PortalUser user, ExternalIdentity external)
    {
        var name = DisplayNameOf(external, user.Email ?? user.DisplayName);
        var upn = external.UserPrincipalName is { Length: <= FieldLimits.Principal } u ? u : user.UserPrincipalName;
        if (name != user.DisplayName || upn != user.UserPrincipalName)
        {
            user.DisplayName = name;
            user.UserPrincipalName = upn;
            await users.UpdateAsync(user);
        }
    }

    /// <summary>Makes the account's roles the mapped ones; a change is audited as a whole and per role.</summary>
    private async Task<OidcSignInResult?> ApplyRolesAsync(PortalUser user, IReadOnlyList<string> wanted, OidcOptions o)
    {
        var current = await users.GetRolesAsync(user);
        var toRemove = current.Except(wanted).ToList();
        var toAdd = wanted.Except(current).ToList();
        if (toRemove.Count == 0 && toAdd.Count == 0)
        {
            return null;
        }

        db.Audit(
            "account.roles-mapped",
            $"Roles of {user.UserName} set from {o.DisplayName}: {string.Join(", ", wanted)} (were: {(current.Count == 0 ? "none" : string.Join(", ", current.Order()))})",
            "user",
            user.Id.ToString(),
            before: new { Roles = current.Order().ToList() },
            after: new { Roles = wanted });
        if (toRemove.Count > 0 && await users.RemoveFromRolesAsync(user, toRemove) is { Succeeded: false } removed)
        {
            return NotCreated(user.UserName, removed);
        }

        return toAdd.Count > 0 && await users.AddToRolesAsync(user, toAdd) is { Succeeded: false } added ? NotCreated(user.UserName, added) : null;
    }

    /// <summary>Changes made during an organisation sign-in are the person's own, through their provider.</summary>
    private void ActAs(PortalUser user, OidcOptions o) =>
        actor.Set(new AuditActor(AuditActorKind.User, user.Id, $"{user.UserName} (signing in with {o.DisplayName})", actor.Current.RemoteAddress));

    private static string DisplayNameOf(ExternalIdentity external, string fallback)
    {
        var name = external.Name is { } n && AccountInput.ValidateDisplayName(n) is null ? n : fallback;
        return name.Length > FieldLimits.Name ? name[..FieldLimits.Name] : name;
    }

    private static OidcSignInResult NotCreated(string? who, IdentityResult result) =>
        OidcSignInResult.Refused(OidcFailures.NotCreated, $"{who}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
}
