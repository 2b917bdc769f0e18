using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Radzen;
using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Servers.Live;
using VpnPortal.Web.Features.Sessions;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Servers.Live;

public sealed class LiveSessionsGridTests : IDisposable
{
    private static readonly FakeTimeProvider Clock = new(TestClock.Start);
    private readonly BunitContext _ctx = new();

    public LiveSessionsGridTests()
    {
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddRadzenComponents();
        _ctx.Services.AddSingleton<TimeProvider>(Clock);
        _ctx.Services.AddSingleton(Web.Features.Appearance.PersonalView.Fixed(TimeZoneInfo.Utc));
        _ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public void Dispose() => _ctx.Dispose();

    [Fact]
    public void Search_MatchesAnyOfTheUserNamesInAnyCase()
    {
        var cut = Render([Session("ana@corp.example", "sstp", also: @"CORP\ana"), Session("bob@corp.example", "sstp"), Session("lt-042.corp.example", "ikev2", device: true)]);
        cut.WaitForAssertion(() => Users(cut).Count.ShouldBe(3));

        cut.Find("#session-search").Input(@"corp\ANA");

        cut.WaitForAssertion(() => Users(cut).ShouldBe(["ana@corp.example"]));
        cut.Find("#session-count").TextContent.ShouldBe("1 of 3 sessions");
    }

    [Fact]
    public void TunnelFilter_ShowsOnlyThatTunnelType_AndMarksDeviceTunnels()
    {
        var cut = Render([Session("ana@corp.example", "sstp"), Session("lt-042.corp.example", "ikev2", device: true), Session("bob@corp.example", "ikev2")]);
        cut.WaitForAssertion(() => Users(cut).Count.ShouldBe(3));

        cut.Find("#session-tunnel").Change("ikev2");

        cut.WaitForAssertion(() => Users(cut).ShouldBe(["lt-042.corp.example", "bob@corp.example"], ignoreOrder: true));
        cut.FindAll("tr.rz-data-row .session-tunnel").Select(t => t.TextContent).ShouldAllBe(t => t == "IKEv2");
        cut.FindAll("tr.rz-data-row").Single(r => r.TextContent.Contains("lt-042", StringComparison.Ordinal)).TextContent.ShouldContain("device");
    }

    [Fact]
    public void LiveReload_KeepsTheFilterTheAdminChose()
    {
        var cut = Render([Session("ana@corp.example", "sstp"), Session("bob@corp.example", "ikev2")]);
        cut.WaitForAssertion(() => Users(cut).Count.ShouldBe(2));
        cut.Find("#session-tunnel").Change("sstp");
        cut.WaitForAssertion(() => Users(cut).ShouldBe(["ana@corp.example"]));

        // The page re-read the sessions after a report: a new SSTP session and a new IKEv2 one arrived.
        cut.Render(p => p.Add(g => g.Sessions, [Session("ana@corp.example", "sstp"), Session("bob@corp.example", "ikev2"), Session("cy@corp.example", "sstp"), Session("dan@corp.example", "ikev2")]));

        cut.WaitForAssertion(() => Users(cut).ShouldBe(["ana@corp.example", "cy@corp.example"], ignoreOrder: true));
        cut.Find("#session-count").TextContent.ShouldBe("2 of 4 sessions");
    }

    [Fact]
    public void Bytes_ReadAsPeopleReadThem_AndDurationFromTheStart()
    {
        var cut = Render([Session("ana@corp.example", "sstp", bytesIn: 1536, bytesOut: 5L * 1024 * 1024 * 1024, startedAgo: TimeSpan.FromMinutes(135))]);

        cut.WaitForAssertion(() => Users(cut).Count.ShouldBe(1));
        var row = cut.Find("tr.rz-data-row").TextContent;
        row.ShouldContain("1.5 KiB");
        row.ShouldContain("5 GiB");
        row.ShouldContain("2 h 15 min");
    }

    private IRenderedComponent<LiveSessionsGrid> Render(IReadOnlyList<ListLiveSessions.SessionRow> sessions) =>
        _ctx.Render<LiveSessionsGrid>(p => p.Add(g => g.Sessions, sessions));

    private static List<string> Users(IRenderedComponent<LiveSessionsGrid> cut) =>
        cut.FindAll("tr.rz-data-row .session-user").Select(u => u.TextContent).ToList();

    private static ListLiveSessions.SessionRow Session(
        string user, string tunnel, string? also = null, bool device = false, long bytesIn = 100, long bytesOut = 100, TimeSpan? startedAgo = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "VPN01", user, also is null ? [user] : [user, also], device, $"host-{user[..3]}", "203.0.113.7", "10.8.0.12",
            tunnel, device ? "MachineCertificate" : "EAP", Clock.GetUtcNow() - (startedAgo ?? TimeSpan.FromMinutes(5)), bytesIn, bytesOut, Clock.GetUtcNow());
}
