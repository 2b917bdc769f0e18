using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Data.Tests.Auditing;

public sealed class AuditLogAppendOnlyTests
{
    private static readonly AuditActor Ana = new(AuditActorKind.User, Guid.NewGuid(), "ana@corp.example");

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveChanges_ModifiedAuditEntry_ThrowsAndSavesNothing(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        var (serverId, original) = await AddAuditedServerAsync(db);

        await using (var context = db.CreateContext(Ana))
        {
            var entry = await context.AuditEntries.SingleAsync(ct);
            entry.Summary = "Nothing happened here";
            entry.Actor = "someone-else";
            // A legitimate change in the same unit of work must not be saved either.
            (await context.RrasServers.SingleAsync(s => s.Id == serverId, ct)).Site = "Paris";

            await Should.ThrowAsync<AuditLogAppendOnlyException>(() => context.SaveChangesAsync(ct));
            Should.Throw<AuditLogAppendOnlyException>(() => context.SaveChanges());
        }

        await AssertUnchangedAsync(db, original);
        await using var check = db.CreateContext();
        (await check.RrasServers.AsNoTracking().SingleAsync(s => s.Id == serverId, ct)).Site.ShouldBe("London");
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveChanges_RemovedAuditEntry_ThrowsAndDeletesNothing(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        var (_, original) = await AddAuditedServerAsync(db);

        await using (var context = db.CreateContext(AuditActor.System))
        {
            context.AuditEntries.Remove(await context.AuditEntries.SingleAsync(ct));
            await Should.ThrowAsync<AuditLogAppendOnlyException>(() => context.SaveChangesAsync(ct));
        }

        // Attaching a stub by key is the other way code could try it.
        await using (var context = db.CreateContext(AuditActor.System))
        {
            context.AuditEntries.Remove(new AuditEntry { Id = original.Id });
            await Should.ThrowAsync<AuditLogAppendOnlyException>(() => context.SaveChangesAsync(ct));
        }

        await AssertUnchangedAsync(db, original);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RawSql_UpdateOfAuditEntries_IsRefusedByTheDatabase(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        var (_, original) = await AddAuditedServerAsync(db);
        await using var context = db.CreateContext();

        var ex = await Should.ThrowAsync<DbException>(() =>
            context.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "Summary" = 'tampered', "Actor" = 'nobody'""", ct));
        ex.Message.ShouldContain("append-only");
        // Set-based updates skip SaveChanges (and so the context's own check): the trigger still refuses them.
        await Should.ThrowAsync<DbException>(() =>
            context.AuditEntries.ExecuteUpdateAsync(s => s.SetProperty(e => e.Summary, "tampered"), ct));

        await AssertUnchangedAsync(db, original);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RawSql_DeleteFromAuditEntries_IsRefusedByTheDatabase(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        var (_, original) = await AddAuditedServerAsync(db);
        await using var context = db.CreateContext();

        var ex = await Should.ThrowAsync<DbException>(() =>
            context.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEntries" """, ct));
        ex.Message.ShouldContain("append-only");
        await Should.ThrowAsync<DbException>(() => context.AuditEntries.ExecuteDeleteAsync(ct));
        if (provider == TestDatabase.Postgres)
        {
            // TRUNCATE fires no row triggers; the migration adds a statement trigger for it.
            await Should.ThrowAsync<DbException>(() =>
                context.Database.ExecuteSqlRawAsync("""TRUNCATE "AuditEntries" """, ct));
        }

        await AssertUnchangedAsync(db, original);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Audit_NewEntry_IsStillAppended(string provider)
    {
        // The triggers must not be so broad that they stop the log itself.
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await using var context = db.CreateContext(Ana);
        context.Audit("user.signed-in", "Signed in");
        await context.SaveChangesAsync(ct);

        (await context.AuditEntries.CountAsync(ct)).ShouldBe(1);
    }

    private static async Task<(Guid ServerId, AuditEntry Entry)> AddAuditedServerAsync(TestDatabase db)
    {
        var ct = TestContext.Current.CancellationToken;
        var server = new RrasServer { Name = "VPN01", Site = "London" };
        await using (var context = db.CreateContext(Ana))
        {
            context.RrasServers.Add(server);
            await context.SaveChangesAsync(ct);
        }

        var entries = await db.ReadAuditLogAsync();
        entries.Count.ShouldBe(1);
        return (server.Id, entries[0]);
    }

    private static async Task AssertUnchangedAsync(TestDatabase db, AuditEntry original)
    {
        var entries = await db.ReadAuditLogAsync();
        var stored = entries.ShouldHaveSingleItem();
        stored.Id.ShouldBe(original.Id);
        stored.Summary.ShouldBe(original.Summary);
        stored.Actor.ShouldBe(original.Actor);
        stored.Action.ShouldBe(original.Action);
        stored.OccurredAt.ShouldBe(original.OccurredAt);
        stored.AfterJson.ShouldBe(original.AfterJson);
    }
}
