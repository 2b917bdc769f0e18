using Bunit;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Agents;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Servers.Live;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Servers.Live;

public sealed class AgentPanelTests : IAsyncLifetime
{
    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _ctx = await PortalComponentContext.CreateAsync();

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public async Task RequestAReportNow_QueuesRefreshReportAsTheAdmin_AndAnnouncesTheCommand()
    {
        var serverId = Guid.NewGuid();
        await using (var db = _ctx.Db())
        {
            db.RrasServers.Add(new RrasServer { Id = serverId, Name = "VPN01", PublicFqdns = ["vpn.corp.example"] });
            await db.SaveChangesAsync(Ct);
        }

        var changes = new List<FleetChange>();
        _ctx.Events.Changed += changes.Add;
        var queued = 0;
        var now = _ctx.Time.GetUtcNow();
        var agent = new GetServerActivity.AgentStatus(Guid.NewGuid(), "VPN01", "1.0.0", now.AddDays(-1), now, now, null, null, AgentPresenceState.Online);
        var cut = _ctx.Bunit.Render<AgentPanel>(p => p
            .Add(x => x.ServerId, serverId).Add(x => x.Role, ServerRole.Rras).Add(x => x.Agent, agent)
            .Add(x => x.OnQueued, () => queued++));

        cut.Find("#agent-presence").TextContent.ShouldBe("Online");
        cut.Find("#request-report").Click();

        cut.WaitForAssertion(() => queued.ShouldBe(1));
        await using var check = _ctx.Db();
        var command = await check.AgentCommands.SingleAsync(Ct);
        (command.ServerId, command.Kind, command.Status).ShouldBe((serverId, AgentCommandKinds.RefreshReport, AgentCommandStatus.Queued));
        (command.RequestedBy, command.RequestedByUserId).ShouldBe(("admin@corp.example", PortalComponentContext.AdminId));
        changes.ShouldContain(new FleetChange(FleetChangeKind.CommandChanged, serverId));
    }

    [Fact]
    public void ServerWithoutAgent_SaysHowToEnrollOne_AndOffersNoCommand()
    {
        var none = new GetServerActivity.AgentStatus(null, null, null, null, null, null, null, null, null);

        var cut = _ctx.Bunit.Render<AgentPanel>(p => p.Add(x => x.ServerId, Guid.NewGuid()).Add(x => x.Role, ServerRole.Nps).Add(x => x.Agent, none));

        cut.Find("#no-agent");
        cut.Markup.ShouldContain("creates a NPS token on");
        cut.Find("a[href='agents']");
        cut.FindAll("#request-report").ShouldBeEmpty();
    }
}
