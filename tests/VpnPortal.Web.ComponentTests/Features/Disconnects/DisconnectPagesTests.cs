using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Features.Rotations;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Disconnects;
using VpnPortal.Web.Features.Operations;
using VpnPortal.Web.Features.Sessions;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Disconnects;

public sealed class DisconnectPagesTests : IAsyncDisposable
{
    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    private async Task<VpnSession> SessionAsync(Guid serverId, string user, string address, DateTimeOffset lastTraffic, DateTimeOffset? started = null)
    {
        await using var db = _ctx.Db();
        var session = new VpnSession
        {
            Id = Guid.NewGuid(),
            RrasServerId = serverId,
            SessionKey = Guid.NewGuid().ToString("N"),
            UserName = user,
            UserNames = [user],
            ClientInternalAddress = address,
            TunnelType = TunnelType.Sstp,
            ConnectionStartTime = started ?? lastTraffic.AddHours(-1),
            FirstSeenAt = started ?? lastTraffic.AddHours(-1),
            LastSeenAt = lastTraffic,
        };
        db.VpnSessions.Add(session);
        await db.SaveChangesAsync(Ct);
        return session;
    }

    [Fact]
    public async Task DisconnectEverywhere_ShowsWhereTheUserIs_ThenQueuesOneCommandPerServer_AndOpensTheOperation()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.Admin);
        var vpn01 = await RotationSeed.ServerAsync(_ctx, "VPN01", "vpn.corp.example", Ct);
        var vpn02 = await RotationSeed.ServerAsync(_ctx, "VPN02", "vpn.corp.example", Ct);
        var now = _ctx.Time.GetUtcNow();
        await SessionAsync(vpn01, "ana@corp.example", "10.0.0.5", now);
        await SessionAsync(vpn02, "ANA@corp.example", "10.0.0.6", now);

        var cut = _ctx.Bunit.Render<DisconnectEverywhere>(p => p.Add(x => x.Identity, "ana@corp.example"));
        cut.Find(".disconnect-everywhere").Click();
        cut.WaitForAssertion(() => cut.Find(".disconnect-where").TextContent.ShouldContain("VPN01 (1), VPN02 (1)"));
        var window = cut.FindComponent<MudBlazor.MudSelect<string>>();
        await cut.InvokeAsync(() => window.Instance.ValueChanged.InvokeAsync("4h"));
        cut.Find(".confirm-disconnect").TextContent.Trim().ShouldBe("Disconnect on 2 servers");
        cut.Find(".confirm-disconnect").Click();

        var navigation = _ctx.Bunit.Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => navigation.Uri.ShouldContain("operations/"));
        await using var db = _ctx.Db();
        (await db.AgentCommands.CountAsync(c => c.Kind == AgentCommandKinds.DisconnectUser, Ct)).ShouldBe(2);
        var enforcement = await db.DisconnectEnforcements.SingleAsync(Ct);
        (enforcement.EndsAt - enforcement.StartsAt).ShouldBe(TimeSpan.FromHours(4));
        (await db.AuditEntries.SingleAsync(a => a.Action == "disconnect.started", Ct)).Actor.ShouldBe("admin@corp.example");
    }

    [Fact]
    public async Task DisconnectEverywhere_IsNotOfferedToOnCall()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);

        var cut = _ctx.Bunit.Render<DisconnectEverywhere>(p => p.Add(x => x.Identity, "ana@corp.example"));

        cut.FindAll(".disconnect-everywhere").ShouldBeEmpty();
    }

    [Fact]
    public async Task OperationPage_ShowsEachServersResult_TheWindow_AndTheReconnectionsCaught_AndEndsTheWindowOnConfirmation()
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        _ctx = await PortalComponentContext.CreateAsync(Roles.Admin, paris);
        var vpn01 = await RotationSeed.ServerAsync(_ctx, "VPN01", "vpn.corp.example", Ct);
        var vpn02 = await RotationSeed.ServerAsync(_ctx, "VPN02", "vpn.corp.example", Ct);
        var now = _ctx.Time.GetUtcNow();
        var operationId = Guid.NewGuid();
        await using (var db = _ctx.Db())
        {
            db.FleetOperations.Add(new FleetOperation { Id = operationId, Kind = StartDisconnect.OperationKind, Target = "ana@corp.example", CreatedAt = now });
            var enforcement = new DisconnectEnforcement { Id = Guid.NewGuid(), OperationId = operationId, Identity = "ana@corp.example", IdentityKey = "ANA@CORP.EXAMPLE", StartsAt = now, EndsAt = now.AddHours(1) };
            db.DisconnectEnforcements.Add(enforcement);
            db.AgentCommands.Add(Command(vpn01, operationId, AgentCommandStatus.Succeeded, "Disconnected ana@corp.example from VPN01 (1 session(s)).", now));
            var again = Command(vpn02, operationId, AgentCommandStatus.Delivered, null, now.AddMinutes(5));
            db.AgentCommands.Add(again);
            db.EnforcedDisconnects.Add(new EnforcedDisconnect { Id = Guid.NewGuid(), EnforcementId = enforcement.Id, ServerId = vpn02, CommandId = again.Id, DetectedAt = now.AddMinutes(5), SessionStartedAt = now.AddMinutes(4) });
            await db.SaveChangesAsync(Ct);
        }

        var dialogs = _ctx.Bunit.Render<MudBlazor.MudDialogProvider>();
        var cut = _ctx.Bunit.Render<OperationPage>(p => p.Add(x => x.Id, operationId));

        cut.WaitForAssertion(() => cut.Find(".operation-outcome").TextContent.ShouldBe("Ended on 1 of 1 server; disconnected again 1 time after reconnecting"));
        var local = TimeZoneInfo.ConvertTime(now, paris);
        cut.Markup.ShouldContain($"Started {local:yyyy-MM-dd HH:mm:ss} {Web.Features.Appearance.PersonalView.Offset(local.Offset)}", Case.Sensitive, "in the person's own zone");
        cut.Find(".operation-state").TextContent.ShouldBe("Completed");
        cut.Find("#operation-servers .step-result").TextContent.ShouldBe("Disconnected ana@corp.example from VPN01 (1 session(s)).");
        cut.Find(".enforcement-state").TextContent.ShouldBe("Active");
        cut.Find("#redisconnects").TextContent.ShouldContain("VPN02");
        cut.Find("#redisconnects").TextContent.ShouldContain("running on the server");

        cut.Find("#end-enforcement").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("End the enforcement window for ana@corp.example now?"));
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == "End now").Click();

        cut.WaitForAssertion(() => cut.Find(".enforcement-state").TextContent.ShouldBe("Ended early"));
        cut.FindAll("#end-enforcement").ShouldBeEmpty();
        await using var check = _ctx.Db();
        (await check.DisconnectEnforcements.SingleAsync(Ct)).EndedEarlyAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task StaleSessionsPage_ListsTheReasons_AndEndsTheSelectedOnesAfterConfirmation()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.Admin);
        var vpn01 = await RotationSeed.ServerAsync(_ctx, "VPN01", "vpn.corp.example", Ct);
        var now = _ctx.Time.GetUtcNow();
        var idle = await SessionAsync(vpn01, "carol@corp.example", "10.0.0.7", now.AddHours(-5));
        await SessionAsync(vpn01, "dave@corp.example", "10.0.0.8", now);

        var dialogs = _ctx.Bunit.Render<MudBlazor.MudDialogProvider>();
        var cut = _ctx.Bunit.Render<StaleSessionsPage>();

        cut.WaitForAssertion(() => cut.FindAll("#stale-sessions tbody tr").Count.ShouldBe(1));
        cut.Find(".stale-reason").TextContent.ShouldBe("no traffic for 5 hours");
        cut.Find("#end-selected").HasAttribute("disabled").ShouldBeTrue("nothing chosen yet");
        cut.Find(".select-session input").Change(true);
        cut.Find("#end-selected").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("End 1 session on 1 server?"));
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == "End sessions").Click();

        var navigation = _ctx.Bunit.Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => navigation.Uri.ShouldContain("operations/"));
        await using var db = _ctx.Db();
        var command = await db.AgentCommands.SingleAsync(Ct);
        command.Kind.ShouldBe(AgentCommandKinds.DisconnectSessions);
        command.PayloadJson.ShouldContain(idle.ClientInternalAddress!);
        command.PayloadJson.ShouldNotContain("10.0.0.8");
    }

    [Fact]
    public async Task StaleSessionsPage_ForOnCall_ListsButCannotEnd()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        var vpn01 = await RotationSeed.ServerAsync(_ctx, "VPN01", "vpn.corp.example", Ct);
        await SessionAsync(vpn01, "carol@corp.example", "10.0.0.7", _ctx.Time.GetUtcNow().AddHours(-5));

        var cut = _ctx.Bunit.Render<StaleSessionsPage>();

        cut.WaitForAssertion(() => cut.FindAll("#stale-sessions tbody tr").Count.ShouldBe(1));
        cut.FindAll("#end-selected").ShouldBeEmpty();
    }

    private static AgentCommand Command(Guid serverId, Guid operationId, AgentCommandStatus status, string? result, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(),
        ServerId = serverId,
        OperationId = operationId,
        Kind = AgentCommandKinds.DisconnectUser,
        PayloadJson = "{\"userName\":\"ana@corp.example\"}",
        Status = status,
        CreatedAt = at,
        DeliverBy = at.AddMinutes(15),
        ExecuteBy = at.AddMinutes(20),
        DeliveredAt = at,
        Deliveries = 1,
        CompletedAt = status == AgentCommandStatus.Succeeded ? at : null,
        ResultMessage = result,
        RequestedBy = "admin@corp.example",
    };
}
