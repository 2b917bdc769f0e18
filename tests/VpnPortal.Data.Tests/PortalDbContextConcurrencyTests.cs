using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Data.Tests;

public sealed class PortalDbContextConcurrencyTests
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveChanges_TwoEditsOfTheSameLoadedServer_SecondThrowsAndFirstWins(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        var id = await AddServerAsync(db, "VPN01");

        await using var first = db.CreateContext();
        await using var second = db.CreateContext();
        var mine = await first.RrasServers.SingleAsync(s => s.Id == id, ct);
        var theirs = await second.RrasServers.SingleAsync(s => s.Id == id, ct);
        mine.Site = "London";
        theirs.Site = "Paris";

        await first.SaveChangesAsync(ct);
        var ex = await Should.ThrowAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(ct));

        ex.Entries.Single().Entity.ShouldBeSameAs(theirs);
        await using var check = db.CreateContext();
        var stored = await check.RrasServers.AsNoTracking().SingleAsync(s => s.Id == id, ct);
        stored.Site.ShouldBe("London");
        stored.Version.ShouldBe(mine.Version);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveChanges_StaleEditAfterReload_Succeeds(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        var id = await AddServerAsync(db, "VPN01");
        await using var first = db.CreateContext();
        await using var second = db.CreateContext();
        var mine = await first.RrasServers.SingleAsync(s => s.Id == id, ct);
        var theirs = await second.RrasServers.SingleAsync(s => s.Id == id, ct);
        mine.Site = "London";
        await first.SaveChangesAsync(ct);
        theirs.Site = "Paris";
        var ex = await Should.ThrowAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(ct));

        // What the edit page does after "someone else changed this server": show the current values, let the person save again.
        await ex.Entries.Single().ReloadAsync(ct);
        theirs.Site.ShouldBe("London");
        theirs.Site = "Paris";
        await second.SaveChangesAsync(ct);

        await using var check = db.CreateContext();
        (await check.RrasServers.AsNoTracking().SingleAsync(s => s.Id == id, ct)).Site.ShouldBe("Paris");
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveChanges_DeleteOfAStaleServer_Throws(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        var id = await AddServerAsync(db, "VPN01");
        await using var first = db.CreateContext();
        await using var second = db.CreateContext();
        var mine = await first.RrasServers.SingleAsync(s => s.Id == id, ct);
        var theirs = await second.RrasServers.SingleAsync(s => s.Id == id, ct);

        mine.Notes = "Being replaced on Friday";
        await first.SaveChangesAsync(ct);
        second.RrasServers.Remove(theirs);

        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(ct));
        await using var check = db.CreateContext();
        (await check.RrasServers.CountAsync(s => s.Id == id, ct)).ShouldBe(1);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveChanges_EveryUpdate_GivesANewVersion(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        var id = await AddServerAsync(db, "VPN01");
        var versions = new List<Guid>();
        await using (var context = db.CreateContext())
        {
            versions.Add((await context.RrasServers.AsNoTracking().SingleAsync(s => s.Id == id, ct)).Version);
        }

        foreach (var site in new[] { "London", "Paris", "Madrid" })
        {
            await using var context = db.CreateContext();
            var server = await context.RrasServers.SingleAsync(s => s.Id == id, ct);
            server.Site = site;
            await context.SaveChangesAsync(ct);
            versions.Add(server.Version);
        }

        await using var check = db.CreateContext();
        var stored = await check.RrasServers.AsNoTracking().SingleAsync(s => s.Id == id, ct);
        versions.ShouldNotContain(Guid.Empty);
        versions.Distinct().Count().ShouldBe(4);
        stored.Version.ShouldBe(versions[^1]);
    }

    private static async Task<Guid> AddServerAsync(TestDatabase db, string name)
    {
        await using var context = db.CreateContext();
        var server = new RrasServer { Name = name, PublicFqdns = ["vpn.corp.example"] };
        context.RrasServers.Add(server);
        await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        return server.Id;
    }
}
