using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Audit;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Audit;

/// <summary>The audit log's table: read from the database a page at a time, filtered by the address, ordered by a column, with each change's values in its row detail.</summary>
public sealed class AuditLogPageTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _ctx = await PortalComponentContext.CreateAsync();
        await using var db = _ctx.Db();
        db.AuditEntries.AddRange(
            Entry(Day.AddHours(9), "ana@corp.example", "rras-server.created", "Created RRAS server VPN01", null, """{"Name":"VPN01"}"""),
            Entry(Day.AddHours(10), "ana@corp.example", "rras-server.updated", "Updated RRAS server VPN01", """{"Port":443}""", """{"Port":8443}"""),
            Entry(Day.AddDays(1), "bo@corp.example", "nps-server.created", "Created NPS server NPS01", null, null));
        for (var i = 0; i < 30; i++)
        {
            db.AuditEntries.Add(Entry(Day.AddDays(-1).AddMinutes(i), "anonymous", "account.sign-in-failed", $"Failed sign-in {i:00}", null, null));
        }

        await db.SaveChangesAsync(Ct);
    }

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    private static AuditEntry Entry(DateTimeOffset at, string actor, string action, string summary, string? before, string? after) => new()
    {
        OccurredAt = at,
        Actor = actor,
        Action = action,
        EntityType = action[..action.IndexOf('.')],
        EntityId = "s1",
        Summary = summary,
        BeforeJson = before,
        AfterJson = after,
    };

    private static List<string> Summaries(IRenderedComponent<AuditLogPage> cut) =>
        cut.FindAll(".audit-summary").Select(s => s.TextContent).ToList();

    private IRenderedComponent<AuditLogPage> RenderAt(string address)
    {
        _ctx.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        return _ctx.Bunit.Render<AuditLogPage>();
    }

    [Fact]
    public void Unfiltered_ShowsTheFirstPageNewestFirst_WithTheWholeCount()
    {
        var cut = RenderAt("/audit");

        cut.WaitForAssertion(() => cut.Find("#audit-count").TextContent.ShouldBe("33 entries"));
        Summaries(cut).Count.ShouldBe(AuditLogPage.PageSize);
        Summaries(cut).Take(3).ShouldBe(["Created NPS server NPS01", "Updated RRAS server VPN01", "Created RRAS server VPN01"]);
        cut.Find("#export-csv").GetAttribute("href").ShouldBe("/export/audit.csv");
    }

    [Fact]
    public void FilterInTheAddress_IsAppliedInTheDatabase_AndCarriedToTheExport()
    {
        var cut = RenderAt("/audit?action=rras-server.&from=2026-11-20&to=2026-11-20T09:30");

        cut.WaitForAssertion(() => cut.Find("#audit-count").TextContent.ShouldBe("1 entry match the filters"));
        Summaries(cut).ShouldBe(["Created RRAS server VPN01"]);
        cut.Find("#f-action").GetAttribute("value").ShouldBe("rras-server.");
        cut.Find("#f-from").GetAttribute("value").ShouldBe("2026-11-20");
        cut.Find("#f-to-time").GetAttribute("value").ShouldBe("09:30");
        cut.Find("#export-csv").GetAttribute("href").ShouldBe("/export/audit.csv?action=rras-server.&from=2026-11-20&to=2026-11-20T09%3A30");
    }

    [Fact]
    public void RangeBackwards_SaysSo_AndShowsNothing()
    {
        var cut = RenderAt("/audit?from=2026-11-22&to=2026-11-20");

        cut.WaitForAssertion(() => cut.Find("[role=alert]").TextContent.ShouldContain("The start of the date range must be before its end."));
        cut.Find("#audit-count").TextContent.ShouldBe("0 entries match the filters");
        Summaries(cut).ShouldBeEmpty();
    }

    [Fact]
    public async Task SortingByAColumn_OrdersInTheDatabase_AndTheExportFollows()
    {
        var cut = RenderAt("/audit?text=server");
        cut.WaitForAssertion(() => Summaries(cut).Count.ShouldBe(3));
        var grid = cut.FindComponent<MudDataGrid<QueryAuditLog.AuditRow>>();

        await cut.InvokeAsync(() => grid.Instance.SetSortAsync(nameof(QueryAuditLog.AuditRow.Summary), MudBlazor.SortDirection.Ascending, r => r.Summary));

        cut.WaitForAssertion(() => Summaries(cut).ShouldBe(["Created NPS server NPS01", "Created RRAS server VPN01", "Updated RRAS server VPN01"]));
        cut.Find("#export-csv").GetAttribute("href").ShouldBe("/export/audit.csv?text=server&sort=Summary");
    }

    [Fact]
    public async Task RowDetail_ShowsTheValuesBeforeAndAfter()
    {
        var cut = RenderAt("/audit?action=rras-server.updated");
        cut.WaitForAssertion(() => Summaries(cut).ShouldBe(["Updated RRAS server VPN01"]));
        var grid = cut.FindComponent<MudDataGrid<QueryAuditLog.AuditRow>>();

        await cut.InvokeAsync(() => grid.Instance.ExpandAllHierarchy());

        cut.WaitForAssertion(() => cut.Find(".audit-detail").TextContent.ShouldContain("\"Port\": 8443"));
        cut.Find(".audit-detail").TextContent.ShouldContain("\"Port\": 443");
    }
}
