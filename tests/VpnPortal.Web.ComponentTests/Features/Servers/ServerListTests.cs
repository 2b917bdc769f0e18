using Bunit;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Servers;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Servers;

/// <summary>The server list against a real (SQLite) database: paging, sorting and search happen in the database.</summary>
public sealed class ServerListTests : IAsyncDisposable
{
    private PortalComponentContext _ctx = default!;

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public async Task FirstRender_45Servers_ShowsFirstPageOf25AndTotal45()
    {
        await SeedAsync(45);

        var cut = RenderList();

        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(ServerList.PageSize));
        cut.Find("#server-count").TextContent.ShouldBe("45 servers");
        RowNames(cut).ShouldBe(Enumerable.Range(1, 25).Select(i => $"VPN{i:00}"));
    }

    [Fact]
    public async Task LastPage_45Servers_ShowsTheLast20()
    {
        await SeedAsync(45);
        var cut = RenderList();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(ServerList.PageSize));

        cut.Find("button[aria-label='Last page']").Click();

        cut.WaitForAssertion(() => RowNames(cut).ShouldBe(Enumerable.Range(26, 20).Select(i => $"VPN{i:00}")));
        cut.Find("#server-count").TextContent.ShouldBe("45 servers");
    }

    [Fact]
    public async Task SortBySite_ThenByNameDescending_IsTheDatabasesOrder_AndTheExportFollows()
    {
        await SeedAsync(6);
        var cut = RenderList();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(6));

        SortBy(cut, "Site");
        cut.WaitForAssertion(() => RowNames(cut).ShouldBe(["VPN02", "VPN04", "VPN06", "VPN01", "VPN03", "VPN05"]));
        cut.Find("#export-servers").GetAttribute("href").ShouldBe("export/servers.csv?role=rras&sort=Site");
        SortBy(cut, "Name");
        SortBy(cut, "Name");
        cut.WaitForAssertion(() => RowNames(cut).ShouldBe(["VPN06", "VPN05", "VPN04", "VPN03", "VPN02", "VPN01"]));
        cut.Find("#export-servers").GetAttribute("href").ShouldBe("export/servers.csv?role=rras&sort=-Name");
    }

    [Fact]
    public async Task Search_ByName_ShowsOnlyTheMatchAndItsCount()
    {
        await SeedAsync(45);
        var cut = RenderList();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(ServerList.PageSize));

        Search(cut, "vpn07");

        cut.WaitForAssertion(() => RowNames(cut).ShouldBe(["VPN07"]));
        cut.Find("#server-count").TextContent.ShouldBe("1 server");
        cut.Find("#export-servers").GetAttribute("href").ShouldBe("export/servers.csv?role=rras&search=vpn07");
    }

    [Fact]
    public async Task Search_BySite_CountsEveryMatch()
    {
        await SeedAsync(45);
        var cut = RenderList();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(ServerList.PageSize));

        Search(cut, "LONDON");

        cut.WaitForAssertion(() => cut.Find("#server-count").TextContent.ShouldBe("22 servers"));
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(22));
        var numbers = RowNames(cut).Select(n => int.Parse(n[3..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        numbers.ShouldAllBe(i => i % 2 == 0);
    }

    [Fact]
    public async Task Search_AfterPaging_StartsAgainOnTheFirstPage()
    {
        await SeedAsync(45);
        var cut = RenderList();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(ServerList.PageSize));
        cut.Find("button[aria-label='Last page']").Click();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(20));

        Search(cut, "VPN1");

        cut.WaitForAssertion(() => RowNames(cut).ShouldBe(Enumerable.Range(10, 10).Select(i => $"VPN{i}")));
        cut.Find("#server-count").TextContent.ShouldBe("10 servers");
    }

    [Fact]
    public async Task Search_NoMatch_SaysSo()
    {
        await SeedAsync(3);
        var cut = RenderList();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(3));

        Search(cut, "nowhere");

        // The count and the grid's rows render separately: wait for both.
        cut.WaitForAssertion(() =>
        {
            cut.Find("#server-count").TextContent.ShouldBe("0 servers");
            RowNames(cut).ShouldBeEmpty();
            cut.Find("#no-servers").TextContent.ShouldContain("No servers match.");
        });
    }

    private IRenderedComponent<ServerList> RenderList() => _ctx.Bunit.Render<ServerList>(p => p.Add(l => l.Role, ServerRole.Rras));

    private static List<string> RowNames(IRenderedComponent<ServerList> cut) =>
        cut.FindAll("tr.server-row .server-name").Select(a => a.TextContent.Trim()).ToList();

    private static void SortBy(IRenderedComponent<ServerList> cut, string column) =>
        cut.FindAll("th .sortable-column-header").Single(h => h.TextContent.Trim() == column).Click();

    private static void Search(IRenderedComponent<ServerList> cut, string text)
    {
        cut.Find("#server-search").Input(text);
        cut.Find("#server-search").Blur();
    }

    private async Task SeedAsync(int count)
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        await using var db = _ctx.Db();
        for (var i = 1; i <= count; i++)
        {
            db.RrasServers.Add(new RrasServer
            {
                Id = Guid.NewGuid(),
                Name = $"VPN{i:00}",
                HostFqdn = $"vpn{i:00}.corp.example",
                PublicFqdns = [$"vpn{i:00}.example.com"],
                Site = i % 2 == 0 ? "London" : "Paris",
            });
        }

        // An NPS server never shows in the RRAS list, whatever its name.
        db.NpsServers.Add(new NpsServer { Id = Guid.NewGuid(), Name = "VPN-NPS01", Site = "London" });
        await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
    }
}
