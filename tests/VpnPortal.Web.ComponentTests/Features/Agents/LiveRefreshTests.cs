using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Web.Features.Agents;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Agents;

/// <summary>A page's live refresh: listening from its interactive render, never while prerendering.</summary>
public sealed class LiveRefreshTests : IAsyncDisposable
{
    private readonly BunitContext _ctx = new();
    private readonly FleetEvents _events = new();

    public LiveRefreshTests()
    {
        _ctx.Services.AddSingleton(_events);
        _ctx.Services.AddSingleton(TimeProvider.System);
    }

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public void Interactive_AChangeOfAKindThePageShows_RefreshesIt_AndOtherKindsDoNot()
    {
        _ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var refreshes = 0;
        var cut = _ctx.Render<LiveRefresh>(p => p
            .Add(x => x.Kinds, [FleetChangeKind.FindingsChanged])
            .Add(x => x.OnChange, () => refreshes++));

        _events.Publish(new FleetChange(FleetChangeKind.CommandChanged, Guid.NewGuid()));
        _events.Publish(new FleetChange(FleetChangeKind.FindingsChanged, Guid.NewGuid()));

        cut.WaitForAssertion(() => refreshes.ShouldBe(1));
    }

    [Fact]
    public async Task Prerendered_ListensToNothing()
    {
        _ctx.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var refreshes = 0;
        _ctx.Render<LiveRefresh>(p => p.Add(x => x.OnChange, () => refreshes++));

        _events.Publish(new FleetChange(FleetChangeKind.FindingsChanged, Guid.NewGuid()));

        // A refresh is dispatched to the renderer: give one the time it takes the interactive test above to see it.
        await Task.Delay(300, Xunit.TestContext.Current.CancellationToken);
        refreshes.ShouldBe(0);
    }
}
