using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Servers;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Servers;

/// <summary>The server list against a real (SQLite) database: paging and search happen in the database.</summary>
public sealed class ServerListTests : IAsyncLifetime
{
    private readonly BunitContext _ctx = new();
    private TestDatabase _db = default!;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);
        // Radzen calls into its own JavaScript (focus, keyboard handling); none of it matters for these tests.
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddRadzenComponents();
        _ctx.Services.AddSingleton<IDbContextFactory<PortalDbContext>>(new TestDbContextFactory(_db));
        // Rendered as the portal renders it: interactive on the server (after the services: this builds the renderer).
        _ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public async ValueTask DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task FirstRender_45Servers_ShowsFirstPageOf20AndTotal45()
    {
        await SeedAsync(45);

        var cut = RenderList();

        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(ServerList.PageSize));
        cut.Find("#server-count").TextContent.ShouldBe("45 servers");
        RowNames(cut).ShouldBe(Enumerable.Range(1, 20).Select(i => $"VPN{i:00}"));
    }

    [Fact]
    public async Task PageThree_45Servers_ShowsTheLast5()
    {
        await SeedAsync(45);
        var cut = RenderList();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(ServerList.PageSize));

        cut.Find("button[title='Page 3']").Click();

        cut.WaitForAssertion(() => RowNames(cut).ShouldBe(["VPN41", "VPN42", "VPN43", "VPN44", "VPN45"]));
        cut.Find("#server-count").TextContent.ShouldBe("45 servers");
    }

    [Fact]
    public async Task Search_ByName_ShowsOnlyTheMatchAndItsCount()
    {
        await SeedAsync(45);
        var cut = RenderList();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(ServerList.PageSize));

        cut.Find("#server-search").Input("vpn07");

        cut.WaitForAssertion(() => RowNames(cut).ShouldBe(["VPN07"]));
        cut.Find("#server-count").TextContent.ShouldBe("1 server");
    }

    [Fact]
    public async Task Search_BySite_CountsEveryMatchAcrossPages()
    {
        await SeedAsync(45);
        var cut = RenderList();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(ServerList.PageSize));

        cut.Find("#server-search").Input("LONDON");

        cut.WaitForAssertion(() => cut.Find("#server-count").TextContent.ShouldBe("22 servers"));
        RowNames(cut).Count.ShouldBe(ServerList.PageSize);
        var numbers = RowNames(cut).Select(n => int.Parse(n[3..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        numbers.ShouldAllBe(i => i % 2 == 0);
    }

    [Fact]
    public async Task Search_AfterPaging_StartsAgainOnTheFirstPage()
    {
        await SeedAsync(45);
        var cut = RenderList();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(ServerList.PageSize));
        cut.Find("button[title='Page 3']").Click();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(5));

        cut.Find("#server-search").Input("VPN1");

        cut.WaitForAssertion(() => RowNames(cut).ShouldBe(Enumerable.Range(10, 10).Select(i => $"VPN{i}")));
        cut.Find("#server-count").TextContent.ShouldBe("10 servers");
    }

    [Fact]
    public async Task Search_NoMatch_SaysSo()
    {
        await SeedAsync(3);
        var cut = RenderList();
        cut.WaitForAssertion(() => RowNames(cut).Count.ShouldBe(3));

        cut.Find("#server-search").Input("nowhere");

        cut.WaitForAssertion(() => cut.Find("#server-count").TextContent.ShouldBe("0 servers"));
        RowNames(cut).ShouldBeEmpty();
        cut.Find(".rz-datatable-emptymessage").TextContent.ShouldContain("No servers match.");
    }

    private IRenderedComponent<ServerList> RenderList() => _ctx.Render<ServerList>(p => p.Add(l => l.Role, ServerRole.Rras));

    private static List<string> RowNames(IRenderedComponent<ServerList> cut) =>
        cut.FindAll("tr.rz-data-row td:first-child a").Select(a => a.TextContent.Trim()).ToList();

    private async Task SeedAsync(int count)
    {
        await using var db = _db.CreateContext();
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

    private sealed class TestDbContextFactory(TestDatabase db) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => db.CreateContext();
    }
}
