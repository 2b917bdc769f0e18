using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Data.Tests.Migrations;

/// <summary>
/// Keys made before keys expired get an expiry when the portal is upgraded: 90 days after they were made, but never
/// sooner than 30 days after the upgrade (docs/decisions/0020-accounts-hardening.md).
/// </summary>
public sealed class ApiKeyExpiryMigrationTests
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Upgrade_GivesEveryKeyNinetyDaysFromItsCreation_ButAtLeastThirtyDaysFromNow(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateEmptyAsync(provider);
        await using var context = db.CreateContext();
        await context.MigrateToJustBeforeAsync("_ApiKeyExpiry", ct);

        var userId = Guid.NewGuid();
        context.Users.Add(new PortalUser { Id = userId, UserName = "ana@corp.example", Email = "ana@corp.example", DisplayName = "Ana", SecurityStamp = "s" });
        await context.SaveChangesAsync(ct);
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var recent = today.AddDays(-10).AddHours(9).AddMinutes(30);
        var old = today.AddDays(-200);
        await InsertOldKeyAsync(context, userId, "recent", recent, ct);
        await InsertOldKeyAsync(context, userId, "old", old, ct);

        var upgradedFrom = DateTimeOffset.UtcNow;
        await context.Database.MigrateAsync(ct);
        var upgradedBy = DateTimeOffset.UtcNow;

        context.ChangeTracker.Clear();
        var keys = await context.ApiKeys.AsNoTracking().ToDictionaryAsync(k => k.Name, ct);
        keys["recent"].ExpiresAt.ShouldBe(recent.AddDays(90), "made 10 days ago: 90 days from its creation");
        keys["old"].ExpiresAt.ShouldBeInRange(upgradedFrom.AddDays(30).AddSeconds(-1), upgradedBy.AddDays(30).AddSeconds(1), "made 200 days ago: 30 days from the upgrade");
    }

    /// <summary>A key as the portal stored it before the upgrade (the entity already has the new column, so by SQL).</summary>
    private static async Task InsertOldKeyAsync(PortalDbContext context, Guid userId, string name, DateTimeOffset createdAt, CancellationToken ct)
    {
        // SQLite keeps DateTimeOffset as EF's binary long (PortalDbContext's convention); a raw parameter gets no converter.
        object created = context.Database.ProviderName!.Contains("Sqlite", StringComparison.Ordinal)
            ? new DateTimeOffsetToBinaryConverter().ConvertToProvider(createdAt)!
            : createdAt;
        var id = Guid.NewGuid();
        var hash = System.Security.Cryptography.SHA256.HashData(id.ToByteArray());
        await context.Database.ExecuteSqlRawAsync(
            """INSERT INTO "ApiKeys" ("Id", "UserId", "Name", "Prefix", "KeyHash", "CreatedAt") VALUES ({0}, {1}, {2}, {3}, {4}, {5})""",
            [id, userId, name, "vpk_abcdef", hash, created], ct);
    }
}
