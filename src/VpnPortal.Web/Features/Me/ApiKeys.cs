using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Me;

/// <summary>Create, list and revoke API keys: a user for their own keys, an admin for anyone's.</summary>
public sealed class ApiKeys(PortalDbContext db, TimeProvider time)
{
    public const int MaxActiveKeysPerUser = 20;

    public sealed record Created(string? Key, ApiKeyRow? Row, string? Error);

    public sealed record ApiKeyRow(Guid Id, Guid UserId, string UserName, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

    public async Task<List<ApiKeyRow>> ListAsync(Guid? userId, CancellationToken ct = default)
    {
        var query = db.ApiKeys.AsNoTracking();
        if (userId is not null)
        {
            query = query.Where(k => k.UserId == userId);
        }

        var rows = await query
            .Select(k => new ApiKeyRow(k.Id, k.UserId, k.User!.UserName ?? "", k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt))
            .ToListAsync(ct);
        return rows.OrderBy(r => r.RevokedAt is not null).ThenByDescending(r => r.CreatedAt).ToList();
    }

    public async Task<Created> CreateAsync(Guid userId, string? name, CancellationToken ct = default)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return new(null, null, "Give the key a name that says where it is used, e.g. \"monitoring\".");
        }

        if (name.Length > FieldLimits.Name || name.Any(char.IsControl))
        {
            return new(null, null, $"The key name may have at most {FieldLimits.Name} printable characters.");
        }

        var active = await db.ApiKeys.CountAsync(k => k.UserId == userId && k.RevokedAt == null, ct);
        if (active >= MaxActiveKeysPerUser)
        {
            return new(null, null, $"You already have {active} active keys; revoke one first.");
        }

        if (await db.ApiKeys.AnyAsync(k => k.UserId == userId && k.RevokedAt == null && k.Name == name, ct))
        {
            return new(null, null, $"You already have an active key named \"{name}\".");
        }

        var key = ApiKeySecrets.NewKey();
        var entity = new ApiKey
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Name = name,
            Prefix = ApiKeySecrets.DisplayPrefix(key),
            KeyHash = ApiKeySecrets.Hash(key),
            CreatedAt = time.GetUtcNow(),
        };
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(ct);
        return new(key, new ApiKeyRow(entity.Id, userId, "", name, entity.Prefix, entity.CreatedAt, null, null), null);
    }

    /// <summary>Revokes a key. With <paramref name="ownerId"/> only that user's key can be revoked.</summary>
    public async Task<string?> RevokeAsync(Guid keyId, Guid? ownerId, CancellationToken ct = default)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && (ownerId == null || k.UserId == ownerId), ct);
        if (key is null)
        {
            return "That key does not exist.";
        }

        if (key.RevokedAt is not null)
        {
            return null;
        }

        key.RevokedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }
}
