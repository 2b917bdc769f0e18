using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Data.Tests.Auditing;

public sealed class AuditRecorderTests
{
    private static readonly Guid AnaId = Guid.Parse("5d1f0c3a-0000-4000-8000-00000000a0a0");
    private static readonly AuditActor Ana = new(AuditActorKind.User, AnaId, "ana@corp.example", "192.0.2.10");
    private static readonly TimeProvider Clock = new FakeTimeProvider(TestClock.Start);

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveChanges_PersonCreatesUpdatesAndDeletesAServer_WritesOneEntryEach(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        var server = new RrasServer { Name = "VPN01", Site = "London", PublicFqdns = ["vpn.corp.example"] };
        await using (var context = db.CreateContext(Ana, clock))
        {
            context.RrasServers.Add(server);
            await context.SaveChangesAsync(ct);
        }

        clock.Advance(TimeSpan.FromMinutes(5));
        await using (var context = db.CreateContext(Ana, clock))
        {
            var loaded = await context.RrasServers.SingleAsync(s => s.Id == server.Id, ct);
            loaded.Site = "Paris";
            loaded.Notes = "Moved with the datacentre";
            await context.SaveChangesAsync(ct);
        }

        clock.Advance(TimeSpan.FromMinutes(5));
        await using (var context = db.CreateContext(Ana, clock))
        {
            context.RrasServers.Remove(await context.RrasServers.SingleAsync(s => s.Id == server.Id, ct));
            await context.SaveChangesAsync(ct);
        }

        var entries = await db.ReadAuditLogAsync();
        entries.Select(e => e.Action).ShouldBe(["rras-server.created", "rras-server.updated", "rras-server.deleted"]);
        entries.Select(e => e.OccurredAt).ShouldBe(
        [
            new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 22, 9, 5, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 22, 9, 10, 0, TimeSpan.Zero),
        ]);
        foreach (var entry in entries)
        {
            entry.OccurredAt.Offset.ShouldBe(TimeSpan.Zero);
            entry.Actor.ShouldBe("ana@corp.example");
            entry.ActorUserId.ShouldBe(AnaId);
            entry.RemoteAddress.ShouldBe("192.0.2.10");
            entry.EntityType.ShouldBe("rras-server");
            entry.EntityId.ShouldBe(server.Id.ToString());
            entry.Summary.ShouldContain("VPN01");
        }

        var (created, updated, deleted) = (entries[0], entries[1], entries[2]);
        created.BeforeJson.ShouldBeNull();
        var after = Json(created.AfterJson);
        after.GetProperty("Name").GetString().ShouldBe("VPN01");
        after.GetProperty("Site").GetString().ShouldBe("London");

        var before = Json(updated.BeforeJson);
        after = Json(updated.AfterJson);
        before.GetProperty("Site").GetString().ShouldBe("London");
        after.GetProperty("Site").GetString().ShouldBe("Paris");
        before.GetProperty("Notes").ValueKind.ShouldBe(JsonValueKind.Null);
        after.GetProperty("Notes").GetString().ShouldBe("Moved with the datacentre");
        before.TryGetProperty("Name", out _).ShouldBeFalse("an update lists the changed fields only");

        Json(deleted.BeforeJson).GetProperty("Name").GetString().ShouldBe("VPN01");
        Json(deleted.BeforeJson).GetProperty("Site").GetString().ShouldBe("Paris");
        deleted.AfterJson.ShouldBeNull();

        foreach (var json in entries.SelectMany(e => new[] { e.BeforeJson, e.AfterJson }).OfType<string>())
        {
            json.ShouldNotContain("\"Version\"", customMessage: "the concurrency token is bookkeeping, not a change");
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveChanges_PersonCreatesAndRevokesAnApiKey_NeverWritesTheKeyHash(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        var userId = await AddUserAsync(db);
        var hash = RandomNumberGenerator.GetBytes(32);
        var key = new ApiKey { UserId = userId, Name = "deploy pipeline", Prefix = "vpk_3f9a", KeyHash = hash, CreatedAt = Clock.GetUtcNow() };
        await using (var context = db.CreateContext(Ana))
        {
            context.ApiKeys.Add(key);
            await context.SaveChangesAsync(ct);
        }

        await using (var context = db.CreateContext(Ana))
        {
            (await context.ApiKeys.SingleAsync(k => k.Id == key.Id, ct)).RevokedAt = Clock.GetUtcNow();
            await context.SaveChangesAsync(ct);
        }

        var entries = await db.ReadAuditLogAsync();
        entries.Select(e => e.Action).ShouldBe(["api-key.created", "api-key.updated"]);
        Json(entries[0].AfterJson).GetProperty("Name").GetString().ShouldBe("deploy pipeline");
        Json(entries[0].AfterJson).GetProperty("Prefix").GetString().ShouldBe("vpk_3f9a");
        foreach (var json in entries.SelectMany(e => new[] { e.BeforeJson, e.AfterJson }).OfType<string>())
        {
            json.ShouldNotContain("KeyHash");
            json.ShouldNotContain(Convert.ToBase64String(hash));
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveChanges_SystemActor_WritesNoAutomaticEntries(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        var server = new RrasServer { Name = "VPN01" };

        // Background work passes the System actor; a context built without an accessor behaves the same.
        await using (var context = db.CreateContext(AuditActor.System))
        {
            context.RrasServers.Add(server);
            await context.SaveChangesAsync(ct);
        }

        await using (var context = db.CreateContext())
        {
            (await context.RrasServers.SingleAsync(s => s.Id == server.Id, ct)).LastReportAt = Clock.GetUtcNow();
            await context.SaveChangesAsync(ct);
        }

        await using (var context = db.CreateContext(AuditActor.System))
        {
            context.RrasServers.Remove(await context.RrasServers.SingleAsync(s => s.Id == server.Id, ct));
            await context.SaveChangesAsync(ct);
        }

        (await db.ReadAuditLogAsync()).ShouldBeEmpty();
    }

    private static async Task<Guid> AddUserAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        var user = new PortalUser
        {
            Id = AnaId,
            UserName = "ana@corp.example",
            NormalizedUserName = "ANA@CORP.EXAMPLE",
            Email = "ana@corp.example",
            NormalizedEmail = "ANA@CORP.EXAMPLE",
            DisplayName = "Ana",
            CreatedAt = Clock.GetUtcNow(),
        };
        context.Users.Add(user);
        await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        return user.Id;
    }

    private static JsonElement Json(string? json) => JsonDocument.Parse(json.ShouldNotBeNull()).RootElement;
}
