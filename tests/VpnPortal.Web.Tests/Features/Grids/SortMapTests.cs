using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Grids;

/// <summary>A table's sort, done by each real database: known columns in turn, unknown ones refused, a stable tie-break.</summary>
public sealed class SortMapTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => DatabaseProviders.All;

    private static readonly SortMap<VpnSession> Map = new SortMap<VpnSession>("Started", defaultDescending: true)
        .Add("User", s => s.UserName)
        .Add("Started", s => s.ConnectionStartTime)
        .Add("BytesIn", s => s.BytesIn)
        .Add("Server", s => s.RrasServer!.Name)
        .TieBreak(s => s.Id);

    [Theory, MemberData(nameof(Providers))]
    public async Task Sorts_ByEachKnownColumn_InTurn_AndByTheDefaultOtherwise(string provider)
    {
        await using var database = await TestDatabase.CreateMigratedAsync(provider);
        var now = TestClock.Start;
        await using (var db = database.CreateContext())
        {
            var f = new FleetBuilder(db, now);
            var a = f.Rras("VPN-A");
            var b = f.Rras("VPN-B");
            f.Session(b, "carol", started: now.AddHours(-1)).BytesIn = 10;
            f.Session(a, "ana", started: now.AddHours(-3)).BytesIn = 30;
            f.Session(a, "bob", started: now.AddHours(-2)).BytesIn = 10;
            await f.SaveAsync(Ct);
        }

        async Task<string[]> Users(params SortBy[] sorts)
        {
            await using var db = database.CreateContext();
            return await Map.Apply(db.VpnSessions, sorts).Select(s => s.UserName).ToArrayAsync(Ct);
        }

        (await Users()).ShouldBe(["carol", "bob", "ana"], "newest first by default");
        (await Users(new SortBy("user", false))).ShouldBe(["ana", "bob", "carol"], "names are matched in any case");
        (await Users(new SortBy("Started", false))).ShouldBe(["ana", "bob", "carol"], "dates order as instants on every provider");
        (await Users(new SortBy("BytesIn", true), new SortBy("User", true))).ShouldBe(["ana", "carol", "bob"]);
        (await Users(new SortBy("Server", false), new SortBy("User", false))).ShouldBe(["ana", "bob", "carol"]);
        (await Users(new SortBy("SessionKey", false))).ShouldBe(["carol", "bob", "ana"], "a column not in the map is not sorted by");
    }
}
