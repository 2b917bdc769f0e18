using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data.Auditing;

/// <summary>Turns the change tracker's pending changes into audit entries with before/after values.</summary>
internal static class AuditRecorder
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    // Identity columns that are secrets or pure bookkeeping; never shown in the audit log.
    private static readonly HashSet<string> IdentitySecrets =
    [
        nameof(IdentityUser.PasswordHash), nameof(IdentityUser.SecurityStamp), nameof(IdentityUser.ConcurrencyStamp),
        nameof(IdentityUser.NormalizedEmail), nameof(IdentityUser.NormalizedUserName), nameof(IdentityUser.AccessFailedCount),
    ];

    public static List<AuditEntry> Collect(PortalDbContext db, AuditActor actor, DateTimeOffset now)
    {
        var entries = new List<AuditEntry>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            if (entry.Entity is IdentityUserRole<Guid> link)
            {
                entries.Add(RoleChange(db, entry, link, actor, now));
                continue;
            }

            var (entityType, name) = Describe(db, entry);
            if (entityType is null)
            {
                continue;
            }

            var changed = entry.Properties.Where(p => IsShown(p) && (entry.State != EntityState.Modified || p.IsModified && !Equals(p.OriginalValue, p.CurrentValue))).ToList();
            if (entry.State == EntityState.Modified && changed.Count == 0)
            {
                continue;
            }

            var verb = entry.State switch
            {
                EntityState.Added => "created",
                EntityState.Deleted => "deleted",
                _ => "updated",
            };
            var before = entry.State == EntityState.Added ? null : Serialize(changed, p => p.OriginalValue);
            var after = entry.State == EntityState.Deleted ? null : Serialize(changed, p => p.CurrentValue);
            var (action, summary) = entry.State == EntityState.Modified
                ? PhraseUpdate(entry, entityType, name, changed, now)
                : ($"{entityType}.{verb}", $"{char.ToUpperInvariant(verb[0])}{verb[1..]} {Noun(entityType)} {name}".TrimEnd());
            entries.Add(new AuditEntry
            {
                OccurredAt = now,
                ActorUserId = actor.UserId,
                Actor = actor.Name,
                RemoteAddress = actor.RemoteAddress,
                Action = action,
                EntityType = entityType,
                EntityId = KeyOf(entry),
                Summary = summary,
                BeforeJson = before,
                AfterJson = after,
            });
        }

        return entries;
    }

    /// <summary>
    /// A role link is not a thing people think about: it is recorded against the user, as a role granted or
    /// revoked, so a user's history reads "Role Admin granted to ana@corp.example".
    /// </summary>
    private static AuditEntry RoleChange(PortalDbContext db, EntityEntry entry, IdentityUserRole<Guid> link, AuditActor actor, DateTimeOffset now)
    {
        var role = db.Roles.Local.FirstOrDefault(r => r.Id == link.RoleId)?.Name
            ?? db.Roles.AsNoTracking().Where(r => r.Id == link.RoleId).Select(r => r.Name).FirstOrDefault()
            ?? link.RoleId.ToString();
        var user = UserName(db, link.UserId);
        var granted = entry.State != EntityState.Deleted;
        var value = JsonSerializer.Serialize(new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["Role"] = role }, Json);
        return new AuditEntry
        {
            OccurredAt = now,
            ActorUserId = actor.UserId,
            Actor = actor.Name,
            RemoteAddress = actor.RemoteAddress,
            Action = granted ? "user.role-granted" : "user.role-revoked",
            EntityType = "user",
            EntityId = link.UserId.ToString(),
            Summary = granted ? $"Role {role} granted to {user}" : $"Role {role} revoked from {user}",
            BeforeJson = granted ? null : value,
            AfterJson = granted ? value : null,
        };
    }

    /// <summary>Names the updates people look for in the log (a user disabled, unlocked); others are "updated". A revoked key says so.</summary>
    private static (string Action, string Summary) PhraseUpdate(EntityEntry entry, string entityType, string name, List<PropertyEntry> changed, DateTimeOffset now)
    {
        var only = changed.Count == 1 ? changed[0] : null;
        switch (entry.Entity)
        {
            case PortalUser when only?.Metadata.Name == nameof(PortalUser.IsDisabled):
                return only.CurrentValue is true ? ("user.disabled", $"Disabled user {name}") : ("user.enabled", $"Enabled user {name}");
            case PortalUser when only?.Metadata.Name == nameof(PortalUser.LockoutEnd):
                return only.CurrentValue is DateTimeOffset until && until > now
                    ? ("user.locked-out", $"User {name} locked out until {until.UtcDateTime:yyyy-MM-dd HH:mm} UTC")
                    : ("user.unlocked", $"Unlocked user {name}");
            case PortalUser:
                return ("user.updated", $"Updated user {name}: {string.Join(", ", changed.Select(p => p.Metadata.Name))}");
            case Agent when changed.Any(p => p.Metadata.Name == nameof(Agent.RevokedAt) && p.OriginalValue is null):
                return ("agent.revoked", $"Revoked {Noun(entityType)} {name}");
            case ApiKey when only?.Metadata.Name == nameof(ApiKey.RevokedAt) && only.OriginalValue is null:
                // The action stays api-key.updated (the Data tests pin it); the summary says what happened.
                return ("api-key.updated", $"Revoked {Noun(entityType)} {name}");
        }

        return ($"{entityType}.updated", $"Updated {Noun(entityType)} {name}".TrimEnd());
    }

    private static readonly HashSet<string> Acronyms = ["api", "mfa", "nps", "rras", "sstp"];

    /// <summary>"rras-server" reads "RRAS server", "api-key" "API key".</summary>
    private static string Noun(string entityType) =>
        string.Join(' ', entityType.Split('-').Select(w => Acronyms.Contains(w) ? w.ToUpperInvariant() : w));

    private static string UserName(PortalDbContext db, Guid id) =>
        db.Users.Local.FirstOrDefault(u => u.Id == id)?.UserName
        ?? db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.UserName).FirstOrDefault()
        ?? id.ToString();

    private static (string? EntityType, string Name) Describe(PortalDbContext db, EntityEntry entry)
    {
        switch (entry.Entity)
        {
            case PortalUser u:
                return ("user", u.UserName ?? u.Email ?? u.Id.ToString());
            case ApiKey k:
                // Whose key it is matters more than its name alone when an admin revokes it.
                return ("api-key", $"'{k.Name}' of {UserName(db, k.UserId)}");
            case Agent a:
                // An agent has no name of its own: it is the agent of its server.
                return ("agent", $"of {a.MachineName}");
        }

        var audited = entry.Metadata.ClrType.GetCustomAttribute<AuditedAttribute>(inherit: true);
        if (audited is null)
        {
            return (null, "");
        }

        var nameProperty = entry.Metadata.FindProperty("Name") ?? entry.Metadata.FindProperty("Sha1Thumbprint");
        var display = nameProperty is null ? "" : entry.Property(nameProperty.Name).CurrentValue?.ToString() ?? "";
        return (audited.EntityType, display);
    }

    private static bool IsShown(PropertyEntry p)
    {
        if (p.Metadata.IsShadowProperty() && !p.Metadata.IsForeignKey())
        {
            return false;
        }

        var member = p.Metadata.PropertyInfo;
        if (member?.GetCustomAttribute<NotAuditedAttribute>() is not null)
        {
            return false;
        }

        return p.Metadata.Name != nameof(IVersioned.Version) && !IdentitySecrets.Contains(p.Metadata.Name);
    }

    private static string KeyOf(EntityEntry entry)
    {
        var key = entry.Metadata.FindPrimaryKey();
        return key is null ? "" : string.Join(",", key.Properties.Select(k => entry.Property(k.Name).CurrentValue));
    }

    private static string Serialize(List<PropertyEntry> props, Func<PropertyEntry, object?> value)
    {
        var dict = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in props)
        {
            dict[p.Metadata.Name] = value(p) switch
            {
                Enum e => e.ToString(),
                var v => v,
            };
        }

        return JsonSerializer.Serialize(dict, Json);
    }
}
