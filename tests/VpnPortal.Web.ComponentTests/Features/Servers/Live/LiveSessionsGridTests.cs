using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;
using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Servers.Live;
using VpnPortal.Web.Features.Sessions;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Servers.Live;

public sealed class LiveSessionsGridTests : IAsyncDisposable
{
    private static readonly FakeTimeProvider Clock = new(TestClock.Start);
    private readonly BunitContext _ctx = new();

    public LiveSessionsGridTests()
    {
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
        _ctx.Services.AddSingleton<TimeProvider>(Clock);
        _ctx.Services.AddSingleton(Web.Features.Appearance.PersonalView.Fixed(TimeZoneInfo.Utc));
        _ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public void Search_MatchesAnyOfTheUserNamesInAnyCase()
    {
        var cut = Render([Session("ana@corp.example", "sstp", also: @"CORP\ana"), Session("bob@corp.example", "sstp"), Session("lt-042.corp.example", "ikev2", device: true)]);
        cut.WaitForAssertion(() => Users(cut).Count.ShouldBe(3));

        cut.Find("#session-search").Input(@"corp\ANA");
        cut.Find("#session-search").Blur();

        cut.WaitForAssertion(() => Users(cut).ShouldBe(["ana@corp.example"]));
        cut.Find("#session-count").TextContent.ShouldBe("1 of 3 sessions");
    }

    [Fact]
    public void TunnelFilter_ShowsOnlyThatTunnelType_AndMarksDeviceTunnels()
    {
        var cut = Render([Session("ana@corp.example", "sstp"), Session("lt-042.corp.example", "ikev2", device: true), Session("bob@corp.example", "ikev2")]);
        cut.WaitForAssertion(() => Users(cut).Count.ShouldBe(3));

        ChooseTunnel(cut, "ikev2");

        cut.WaitForAssertion(() => Users(cut).ShouldBe(["lt-042.corp.example", "bob@corp.example"], ignoreOrder: true));
        cut.FindAll("tr.session-row .session-tunnel").Select(t => t.TextContent).ShouldAllBe(t => t == "IKEv2");
        cut.FindAll("tr.session-row").Single(r => r.TextContent.Contains("lt-042", StringComparison.Ordinal)).TextContent.ShouldContain("device");
    }

    [Fact]
    public void LiveReload_KeepsTheFilterTheAdminChose()
    {
        var cut = Render([Session("ana@corp.example", "sstp"), Session("bob@corp.example", "ikev2")]);
        cut.WaitForAssertion(() => Users(cut).Count.ShouldBe(2));
        ChooseTunnel(cut, "sstp");
        cut.WaitForAssertion(() => Users(cut).ShouldBe(["ana@corp.example"]));

        // The page re-read the sessions after a report: a new SSTP session and a new IKEv2 one arrived.
        cut.Render(p => p.Add(g => g.Sessions, [Session("ana@corp.example", "sstp"), Session("bob@corp.example", "ikev2"), Session("cy@corp.example", "sstp"), Session("dan@corp.example", "ikev2")]));

        cut.WaitForAssertion(() => Users(cut).ShouldBe(["ana@corp.example", "cy@corp.example"], ignoreOrder: true));
        cut.Find("#session-count").TextContent.ShouldBe("2 of 4 sessions");
    }

    [Fact]
    public void LiveReload_KeepsTheSortAndThePageTheAdminChose()
    {
        static List<ListLiveSessions.SessionRow> Fleet(int n) => [.. Enumerable.Range(1, n).Select(i => Session($"user{i:00}@corp.example", "sstp"))];
        var cut = Render(Fleet(30));
        cut.WaitForAssertion(() => Users(cut).Count.ShouldBe(LiveSessionsGrid.PageSize));
        cut.FindAll("th .sortable-column-header").Single(h => h.TextContent.Trim() == "User").Click();
        cut.WaitForAssertion(() => Users(cut)[0].ShouldBe("user01@corp.example"));
        cut.Find("button[aria-label='Next page']").Click();
        cut.WaitForAssertion(() => Users(cut).ShouldBe(Enumerable.Range(26, 5).Select(i => $"user{i:00}@corp.example")));

        cut.Render(p => p.Add(g => g.Sessions, Fleet(32)));

        cut.WaitForAssertion(() => Users(cut).ShouldBe(Enumerable.Range(26, 7).Select(i => $"user{i:00}@corp.example")));
        cut.Find("#session-count").TextContent.ShouldBe("32 sessions");
    }

    [Fact]
    public void Bytes_ReadAsPeopleReadThem_AndDurationFromTheStart()
    {
        var cut = Render([Session("ana@corp.example", "sstp", bytesIn: 1536, bytesOut: 5L * 1024 * 1024 * 1024, startedAgo: TimeSpan.FromMinutes(135))]);

        cut.WaitForAssertion(() => Users(cut).Count.ShouldBe(1));
        var row = cut.Find("tr.session-row").TextContent;
        row.ShouldContain("1.5 KiB");
        row.ShouldContain("5 GiB");
        row.ShouldContain("2 h 15 min");
    }

    /// <summary>Picks a protocol in the filter as its list would (the list itself is a popover outside the component).</summary>
    private static void ChooseTunnel(IRenderedComponent<LiveSessionsGrid> cut, string tunnel)
    {
        var select = cut.FindComponent<MudSelect<string>>();
        cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(tunnel)).GetAwaiter().GetResult();
    }

    private IRenderedComponent<LiveSessionsGrid> Render(IReadOnlyList<ListLiveSessions.SessionRow> sessions) =>
        _ctx.Render<LiveSessionsGrid>(p => p.Add(g => g.Sessions, sessions));

    private static List<string> Users(IRenderedComponent<LiveSessionsGrid> cut) =>
        cut.FindAll("tr.session-row .session-user").Select(u => u.TextContent).ToList();

    private static ListLiveSessions.SessionRow Session(
        string user, string tunnel, string? also = null, bool device = false, long bytesIn = 100, long bytesOut = 100, TimeSpan? startedAgo = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "VPN01", user, also is null ? [user] : [user, also], device, $"host-{user[..3]}", "203.0.113.7", "10.8.0.12",
            tunnel, device ? "MachineCertificate" : "EAP", Clock.GetUtcNow() - (startedAgo ?? TimeSpan.FromMinutes(5)), bytesIn, bytesOut, Clock.GetUtcNow());
}
