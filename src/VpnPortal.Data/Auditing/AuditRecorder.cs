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
            entries.Add(new AuditEntry
            {
                OccurredAt = now,
                ActorUserId = actor.UserId,
                Actor = actor.Name,
                RemoteAddress = actor.RemoteAddress,
                Action = $"{entityType}.{verb}",
                EntityType = entityType,
                EntityId = KeyOf(entry),
                Summary = $"{char.ToUpperInvariant(verb[0])}{verb[1..]} {entityType.Replace('-', ' ')} {name}".TrimEnd(),
                BeforeJson = before,
                AfterJson = after,
            });
        }

        return entries;
    }

    private static (string? EntityType, string Name) Describe(PortalDbContext db, EntityEntry entry)
    {
        switch (entry.Entity)
        {
            case IdentityUserRole<Guid> link:
                var role = db.Roles.Local.FirstOrDefault(r => r.Id == link.RoleId)?.Name
                    ?? db.Roles.AsNoTracking().Where(r => r.Id == link.RoleId).Select(r => r.Name).FirstOrDefault();
                var user = db.Users.Local.FirstOrDefault(u => u.Id == link.UserId)?.UserName
                    ?? db.Users.AsNoTracking().Where(u => u.Id == link.UserId).Select(u => u.UserName).FirstOrDefault();
                return ("user-role", $"{role} for {user}");
            case PortalUser u:
                return ("user", u.UserName ?? u.Email ?? u.Id.ToString());
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
