using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Account;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Me;

/// <summary>
/// Create, list and revoke API keys: a user for their own keys, an admin for anyone's. Every key expires, after a
/// lifetime chosen at creation (Security:ApiKeys). A person creates one only after a recent sign-in: a key acts for
/// them for months, unattended. Keys are not created through the API at all: an API key is no sign-in, and a key
/// that could mint keys would outlive its own expiry and revocation.
/// </summary>
public sealed class ApiKeys(PortalDbContext db, TimeProvider time, IOptions<ApiKeyOptions> options, RecentSignIn recent, INotificationOutbox outbox)
{
    public const int MaxActiveKeysPerUser = 20;

    public const string PagePath = "/me/api-keys";

    public const string ReauthenticateMessage = "For your safety, sign in again before creating an API key.";

    /// <summary>A new key (shown once) and its row.</summary>
    public sealed record Created(string Key, ApiKeyRow Row);

    public sealed record ApiKeyRow(
        Guid Id, Guid UserId, string UserName, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
    {
        public bool IsActive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
    }

    public TimeSpan DefaultLifetime => options.Value.DefaultLifetime;

    /// <summary>The lifetimes the page offers, in days: the usual ones up to the maximum, the default and the maximum.</summary>
    public IReadOnlyList<int> LifetimeChoices
    {
        get
        {
            var max = (int)options.Value.MaxLifetime.TotalDays;
            return new[] { 7, 30, 90, 180, 365, (int)DefaultLifetime.TotalDays, max }.Where(d => d >= 1 && d <= max).Distinct().Order().ToList();
        }
    }

    public async Task<List<ApiKeyRow>> ListAsync(Guid? userId, CancellationToken ct = default)
    {
        var query = db.ApiKeys.AsNoTracking();
        if (userId is not null)
        {
            query = query.Where(k => k.UserId == userId);
        }

        var now = time.GetUtcNow();
        var rows = await query
            .Select(k => new ApiKeyRow(k.Id, k.UserId, k.User!.UserName ?? "", k.Name, k.Prefix, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt))
            .ToListAsync(ct);
        return rows.OrderBy(r => !r.IsActive(now)).ThenByDescending(r => r.CreatedAt).ToList();
    }

    /// <summary>A person's own new key, from the page: only after a sign-in at <paramref name="signedInAt"/> recent enough.</summary>
    public async Task<CommandResult<Created>> CreateOwnAsync(Guid userId, DateTimeOffset? signedInAt, string? name, TimeSpan? lifetime, CancellationToken ct = default) =>
        recent.IsRecent(signedInAt)
            ? await CreateAsync(userId, name, lifetime, ct)
            : CommandResult<Created>.Invalid("", ReauthenticateMessage);

    /// <summary>
    /// A new key for <paramref name="userId"/> that expires after <paramref name="lifetime"/> (the default when null, at
    /// most Security:ApiKeys:MaxLifetime). For the admin command line, which needs no sign-in: it runs on the server.
    /// </summary>
    public async Task<CommandResult<Created>> CreateAsync(Guid userId, string? name, TimeSpan? lifetime, CancellationToken ct = default)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return CommandResult<Created>.Invalid("Name", "Give the key a name that says where it is used, e.g. \"monitoring\".");
        }

        if (name.Length > FieldLimits.Name || name.Any(char.IsControl))
        {
            return CommandResult<Created>.Invalid("Name", $"The key name may have at most {FieldLimits.Name} printable characters.");
        }

        var max = options.Value.MaxLifetime;
        var life = lifetime ?? options.Value.DefaultLifetime;
        if (life < TimeSpan.FromDays(1) || life > max)
        {
            return CommandResult<Created>.Invalid("Lifetime", $"A key may live from 1 to {max.TotalDays:0} days.");
        }

        var now = time.GetUtcNow();
        var active = await db.ApiKeys.CountAsync(k => k.UserId == userId && k.RevokedAt == null && k.ExpiresAt > now, ct);
        if (active >= MaxActiveKeysPerUser)
        {
            return CommandResult<Created>.Conflict($"You already have {active} active keys; revoke one first.");
        }

        if (await db.ApiKeys.AnyAsync(k => k.UserId == userId && k.RevokedAt == null && k.ExpiresAt > now && k.Name == name, ct))
        {
            return CommandResult<Created>.Invalid("Name", $"You already have an active key named \"{name}\".");
        }

        var key = ApiKeySecrets.NewKey();
        var entity = new ApiKey
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Name = name,
            Prefix = ApiKeySecrets.DisplayPrefix(key),
            KeyHash = ApiKeySecrets.Hash(key),
            CreatedAt = now,
            ExpiresAt = now + life,
        };
        db.ApiKeys.Add(entity);
        // The owner hears of every new key, made on the page or by the command line, in the same save: a key made by
        // someone holding their session, or by an admin on the server, acts as them for months.
        await outbox.EnqueueAsync(db, NewKeyNotice(entity), ct);
        await db.SaveChangesAsync(ct);
        return CommandResult<Created>.Ok(new(key, new ApiKeyRow(entity.Id, userId, "", name, entity.Prefix, entity.CreatedAt, entity.ExpiresAt, null, null)), entity.Id);
    }

    private static PersonalNotice NewKeyNotice(ApiKey key) =>
        new($"api-key-created:{key.Id}", key.UserId, new NotificationContent(
            "info",
            "A new API key was created for your account",
            $"An API key named \"{key.Name}\" ({key.Prefix}...) was created for your account. It acts as you in the portal's API until it expires or is revoked. If you did not create it, revoke it on your API keys page and tell your administrator at once.",
            key.ExpiresAt,
            [],
            [new NotificationLink("Review your API keys", PagePath)]));

    /// <summary>
    /// Revokes a key; revoking a revoked one changes nothing and succeeds. With <paramref name="ownerId"/> only that
    /// user's key can be revoked (another's is not found).
    /// </summary>
    public async Task<CommandResult> RevokeAsync(Guid keyId, Guid? ownerId, CancellationToken ct = default)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && (ownerId == null || k.UserId == ownerId), ct);
        if (key is null)
        {
            return CommandResult.NotFound("That key does not exist.");
        }

        if (key.RevokedAt is not null)
        {
            return CommandResult.Ok(key.Id);
        }

        key.RevokedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return CommandResult.Ok(key.Id);
    }

    /// <summary>
    /// Marks every key of the user that still works as revoked, each change audited, without saving: the caller saves it
    /// with the change it belongs to. Returns how many.
    /// </summary>
    public static async Task<int> RevokeAllAsync(PortalDbContext db, Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        var keys = await db.ApiKeys.Where(k => k.UserId == userId && k.RevokedAt == null && k.ExpiresAt > now).ToListAsync(ct);
        foreach (var key in keys)
        {
            key.RevokedAt = now;
        }

        return keys.Count;
    }
}
