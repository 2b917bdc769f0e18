using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Features.Audit;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Audit;

public sealed class QueryAuditLogTests : IAsyncDisposable
{
    /// <summary>SQLite always; PostgreSQL when VPNPORTAL_TEST_POSTGRES names a server (skipped otherwise, required on CI).</summary>
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private static readonly Guid Ana = Guid.Parse("a0000000-0000-0000-0000-00000000000a");
    private static readonly Guid CyId = Guid.Parse("c0000000-0000-0000-0000-00000000000c");

    private TestDatabase? _db;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Five entries over three days by three kinds of actor, on a fresh database.</summary>
    private async Task SeedAsync(string provider)
    {
        _db = await TestDatabase.CreateMigratedAsync(provider);
        await using var db = _db.CreateContext();
        db.AuditEntries.AddRange(
            Entry(1, Day.AddHours(9), "ana@corp.example", Ana, "rras-server.created", "rras-server", "s1", "Created RRAS server VPN01"),
            Entry(2, Day.AddHours(10), "ana@corp.example", Ana, "rras-server.updated", "rras-server", "s1", "Updated RRAS server VPN01"),
            Entry(3, Day.AddDays(1).AddHours(8), "bo@corp.example (API key 'monitoring')", Guid.NewGuid(), "nps-server.created", "nps-server", "n1", "Created NPS server NPS01"),
            Entry(4, Day.AddDays(1).AddHours(9), "ana@corp.example", Ana, "user.role-granted", "user", CyId.ToString(), "Role Admin granted to cy@corp.example"),
            Entry(5, Day.AddDays(2), "anonymous", null, "account.sign-in-failed", null, null, "Failed sign-in for 'mallory@corp.example': unknown account"));
        await db.SaveChangesAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    private static AuditEntry Entry(int n, DateTimeOffset at, string actor, Guid? actorId, string action, string? type, string? id, string summary) => new()
    {
        OccurredAt = at,
        Actor = actor,
        ActorUserId = actorId,
        Action = action,
        EntityType = type,
        EntityId = id,
        Summary = summary,
        AfterJson = $$"""{"N":{{n}}}""",
    };

    private async Task<List<string>> SummariesAsync(QueryAuditLog.Query q) =>
        (await RunAsync(q)).Items.Select(r => r.Summary).ToList();

    private async Task<QueryAuditLog.AuditPage> RunAsync(QueryAuditLog.Query q)
    {
        await using var db = _db!.CreateContext();
        return await new QueryAuditLog(db).RunAsync(q, Ct);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Query_WithoutFilters_ReturnsEveryEntryNewestFirst(string provider)
    {
        await SeedAsync(provider);
        var page = await RunAsync(new());

        page.Total.ShouldBe(5);
        page.Items.Select(r => r.AfterJson).ShouldBe(["""{"N":5}""", """{"N":4}""", """{"N":3}""", """{"N":2}""", """{"N":1}"""]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Query_ActionPrefix_MatchesEveryActionOfThatKind(string provider)
    {
        await SeedAsync(provider);
        (await SummariesAsync(new(Action: "rras-server."))).ShouldBe(["Updated RRAS server VPN01", "Created RRAS server VPN01"]);
        (await SummariesAsync(new(Action: "RRAS-SERVER.created"))).ShouldBe(["Created RRAS server VPN01"]);
        (await SummariesAsync(new(Action: "server."))).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Query_Actor_MatchesPartOfTheNameOrTheUserId(string provider)
    {
        await SeedAsync(provider);
        (await SummariesAsync(new(Actor: "BO@corp"))).ShouldBe(["Created NPS server NPS01"]);
        (await SummariesAsync(new(Actor: "monitoring"))).ShouldBe(["Created NPS server NPS01"]);
        (await RunAsync(new(Actor: Ana.ToString().ToUpperInvariant()))).Total.ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Query_EntityTypeAndId_FindOneThingsHistory(string provider)
    {
        await SeedAsync(provider);
        (await RunAsync(new(EntityType: "rras-server"))).Total.ShouldBe(2);
        (await SummariesAsync(new(EntityType: "user", EntityId: CyId.ToString().ToUpperInvariant()))).ShouldBe(["Role Admin granted to cy@corp.example"]);
        (await RunAsync(new(EntityType: "server"))).Total.ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Query_DateRange_IncludesItsStartAndExcludesItsEnd(string provider)
    {
        await SeedAsync(provider);
        var secondDay = await SummariesAsync(new(From: Day.AddDays(1), To: Day.AddDays(2)));

        secondDay.ShouldBe(["Role Admin granted to cy@corp.example", "Created NPS server NPS01"]);
        (await RunAsync(new(From: Day.AddHours(10)))).Total.ShouldBe(4);
        (await RunAsync(new(To: Day.AddHours(10)))).Total.ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Query_DateRangeWithAnOffset_IsComparedAsTheSameInstantInUtc(string provider)
    {
        await SeedAsync(provider);
        var plusTwo = TimeSpan.FromHours(2);

        var result = await SummariesAsync(new(From: Day.AddHours(10).ToOffset(plusTwo), To: Day.AddHours(11).ToOffset(plusTwo)));

        result.ShouldBe(["Updated RRAS server VPN01"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Query_Text_SearchesTheSummaryWithoutRegardToCase(string provider)
    {
        await SeedAsync(provider);
        (await SummariesAsync(new(Text: "vpn01"))).Count.ShouldBe(2);
        (await SummariesAsync(new(Text: "MALLORY"))).ShouldBe(["Failed sign-in for 'mallory@corp.example': unknown account"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Query_Filters_Combine(string provider)
    {
        await SeedAsync(provider);
        (await SummariesAsync(new(Action: "rras-server.", Actor: "ana", From: Day.AddHours(9).AddMinutes(30), Text: "vpn01"))).ShouldBe(["Updated RRAS server VPN01"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Query_Paging_SkipsAndTakesInNewestFirstOrderWithTheFullTotal(string provider)
    {
        await SeedAsync(provider);
        var page = await RunAsync(new(Skip: 1, Take: 2));

        page.Total.ShouldBe(5);
        page.Items.Select(r => r.AfterJson).ShouldBe(["""{"N":4}""", """{"N":3}"""]);
        (await RunAsync(new(Take: 100_000))).Take.ShouldBe(QueryAuditLog.MaxTake);
        (await RunAsync(new(Skip: -5, Take: 0))).ShouldSatisfyAllConditions(p => p.Skip.ShouldBe(0), p => p.Items.Count.ShouldBe(1));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Query_SortedByAColumn_OrdersTheWholeFilterInTheDatabaseBeforePaging(string provider)
    {
        await SeedAsync(provider);

        var bySummary = await SummariesAsync(new(Sorts: [new SortBy(nameof(QueryAuditLog.AuditRow.Summary), false)]));
        var byActionDescending = await RunAsync(new(Sorts: [new SortBy("action", true)], Skip: 1, Take: 2));

        bySummary.ShouldBe([
            "Created NPS server NPS01", "Created RRAS server VPN01", "Failed sign-in for 'mallory@corp.example': unknown account",
            "Role Admin granted to cy@corp.example", "Updated RRAS server VPN01"]);
        byActionDescending.Total.ShouldBe(5);
        byActionDescending.Items.Select(r => r.Action).ShouldBe(["rras-server.updated", "rras-server.created"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Query_SortedByActorThenTime_UsesBothInTurn(string provider)
    {
        await SeedAsync(provider);

        var rows = (await RunAsync(new(Sorts: [new SortBy("Actor", false), new SortBy("OccurredAt", false)]))).Items;

        rows.Select(r => r.AfterJson).ShouldBe(["""{"N":1}""", """{"N":2}""", """{"N":4}""", """{"N":5}""", """{"N":3}"""]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Query_SortedByAnUnknownColumn_KeepsNewestFirst(string provider)
    {
        await SeedAsync(provider);

        var rows = (await RunAsync(new(Sorts: [new SortBy("BeforeJson", false)]))).Items;

        rows.Select(r => r.AfterJson).ShouldBe(["""{"N":5}""", """{"N":4}""", """{"N":3}""", """{"N":2}""", """{"N":1}"""]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Stream_ReturnsEveryMatchingEntryInTheAskedOrder(string provider)
    {
        await SeedAsync(provider);
        await using var db = _db!.CreateContext();

        var rows = await new QueryAuditLog(db).StreamAsync(new(Action: "rras-server.", Take: 1, Sorts: [new SortBy("OccurredAt", false)])).ToListAsync(Ct);

        rows.Select(r => r.Summary).ShouldBe(["Created RRAS server VPN01", "Updated RRAS server VPN01"]);
    }

    [Fact]
    public void Address_DayAloneOrDayAndMinute_ReadAsUtcAndAToDayIncludesThatDay()
    {
        AuditAddress.From("2026-11-20").ShouldBe(Day);
        AuditAddress.From("2026-11-20T09:30").ShouldBe(Day.AddHours(9.5));
        AuditAddress.To("2026-11-20").ShouldBe(Day.AddDays(1));
        AuditAddress.To("2026-11-20T09:30").ShouldBe(Day.AddHours(9.5));
        AuditAddress.From("20/11/2026").ShouldBeNull();
        AuditAddress.Text(Day.UtcDateTime).ShouldBe("2026-11-20");
        AuditAddress.Text(Day.AddHours(14).UtcDateTime).ShouldBe("2026-11-20T14:00");
    }

    [Fact]
    public void Validate_StartNotBeforeEnd_IsRefused()
    {
        QueryAuditLog.Validate(new(From: Day, To: Day)).ShouldBe(["The start of the date range must be before its end."]);
        QueryAuditLog.Validate(new(From: Day, To: Day.AddDays(1))).ShouldBeEmpty();
    }

    [Fact]
    public void KnownEntityTypes_IncludeUsersAndEveryAuditedEntity()
    {
        QueryAuditLog.KnownEntityTypes.ShouldContain("user");
        QueryAuditLog.KnownEntityTypes.ShouldContain("rras-server");
        QueryAuditLog.KnownEntityTypes.ShouldContain("api-key");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AuditEntries_CannotBeChangedOrDeleted(string provider)
    {
        await SeedAsync(provider);
        await using var db = _db!.CreateContext();
        var entry = db.AuditEntries.OrderBy(a => a.Id).First();
        entry.Summary = "rewritten";

        await Should.ThrowAsync<AuditLogAppendOnlyException>(() => db.SaveChangesAsync(Ct));
        (await SummariesAsync(new(Text: "rewritten"))).ShouldBeEmpty();
    }
}
