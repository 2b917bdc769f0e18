using System.Security.Cryptography;
using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Agents;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Agents;

public sealed class AgentsPageTests : IAsyncLifetime
{
    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _ctx.Time.GetUtcNow();

    public async ValueTask InitializeAsync() => _ctx = await PortalComponentContext.CreateAsync();

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public async Task CreateToken_ShowsItOnceWithTheEnrollAndInstallCommands_AndListsItAsUsable()
    {
        var cut = _ctx.Bunit.Render<AgentsPage>();
        cut.WaitForAssertion(() => cut.Find("#no-tokens"));

        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<ServerRole>>().Instance.SelectOption(ServerRole.Nps));
        cut.Find("#create-token").Click();

        cut.WaitForAssertion(() => cut.Find("#new-token"));
        var token = cut.Find("#new-token").TextContent.Trim();
        token.Length.ShouldBeGreaterThanOrEqualTo(40);
        // The commands ask for the token: on a command line, Windows' process auditing would record it.
        cut.Find("#enroll-command").TextContent.ShouldBe("VpnPortal.Agent.exe enroll --portal http://localhost --token-stdin");
        cut.Find("#install-command").TextContent.ShouldBe(@".\Install-VpnPortalAgent.ps1 -PortalUrl http://localhost");
        var row = cut.Find("#token-list tbody tr");
        row.QuerySelector(".token-state")!.TextContent.ShouldBe("usable");
        row.TextContent.ShouldContain("NPS");
        row.TextContent.ShouldNotContain(token);

        // Shown once: the page opened again lists the token but cannot show it, and the database holds only its hash.
        var again = _ctx.Bunit.Render<AgentsPage>();
        again.WaitForAssertion(() => again.Find("#token-list"));
        again.FindAll("#new-token").ShouldBeEmpty();
        again.Markup.ShouldNotContain(token);
        await using var db = _ctx.Db();
        var stored = await db.AgentEnrollmentTokens.SingleAsync(Ct);
        (stored.Role, stored.ExpiresAt).ShouldBe((ServerRole.Nps, Now.AddMinutes(new AgentOptions().EnrollmentTokenMinutes)));
        stored.TokenHash.ShouldBe(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
    }

    [Fact]
    public async Task Tokens_SayWhetherUsableUsedExpiredOrRevoked()
    {
        var agentId = await SeedAgentAsync("VPN07", lastSeen: null);
        await using (var db = _ctx.Db())
        {
            db.AgentEnrollmentTokens.AddRange(
                Token(Now.AddMinutes(-1), expires: Now.AddMinutes(59)),
                Token(Now.AddMinutes(-2), expires: Now.AddMinutes(58), usedBy: agentId),
                Token(Now.AddMinutes(-3), expires: Now.AddMinutes(-1)),
                Token(Now.AddMinutes(-4), expires: Now.AddMinutes(56), revoked: true));
            await db.SaveChangesAsync(Ct);
        }

        var cut = _ctx.Bunit.Render<AgentsPage>();

        cut.WaitForAssertion(() => cut.FindAll(".token-state").Select(s => s.TextContent).ShouldBe(["usable", "used by VPN07", "expired", "revoked"]));
        cut.FindAll(".revoke-token").Count.ShouldBe(1, "only a usable token can be revoked");
    }

    [Fact]
    public async Task RevokeAgent_AsksFirstAndSaysItMustBeEnrolledAgain_CancelKeepsIt_ConfirmRevokes()
    {
        var agentId = await SeedAgentAsync("VPN01", lastSeen: Now.AddSeconds(-5));
        var dialogs = _ctx.Bunit.Render<MudDialogProvider>();
        var cut = _ctx.Bunit.Render<AgentsPage>();
        cut.WaitForAssertion(() => cut.Find(".revoke-agent"));

        cut.Find(".revoke-agent").Click();

        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("must be enrolled again"));
        DialogButton(dialogs, "Cancel").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldNotContain("must be enrolled again"));
        (await RevokedAtAsync(agentId)).ShouldBeNull("cancelling must not revoke");

        cut.Find(".revoke-agent").Click();
        dialogs.WaitForAssertion(() => DialogButton(dialogs, "Revoke agent").Click());

        cut.WaitForAssertion(() => cut.Find("#no-agents"));
        (await RevokedAtAsync(agentId)).ShouldBe(Now);
    }

    [Fact]
    public async Task Agents_ShowPresenceByLastSeen_AndRevokedOnesWithTheirReasonOnlyWhenAsked()
    {
        await SeedAgentAsync("VPN01", lastSeen: Now.AddSeconds(-5));
        await SeedAgentAsync("VPN02", lastSeen: Now.AddMinutes(-3));
        await SeedAgentAsync("VPN03", lastSeen: Now.AddHours(-2));
        await SeedAgentAsync("VPN04", lastSeen: null);
        await SeedAgentAsync("VPN05", lastSeen: Now.AddSeconds(-5), revokedReason: "Replaced: the server enrolled again");

        var cut = _ctx.Bunit.Render<AgentsPage>();

        cut.WaitForAssertion(() => Presence(cut).ShouldBe([("VPN01", "Online"), ("VPN02", "Late"), ("VPN03", "Offline"), ("VPN04", "Never seen")]));
        cut.FindComponent<MudCheckBox<bool>>().Find("input").Change(true);
        cut.WaitForAssertion(() => Presence(cut).Last().ShouldBe(("VPN05", "Revoked")));
        cut.Find(".revoked-reason").TextContent.ShouldContain("Replaced: the server enrolled again");
    }

    [Fact]
    public async Task Presence_AgesWithTheClockOnTheNextRefresh_WithoutAnyChange()
    {
        await SeedAgentAsync("VPN01", lastSeen: Now.AddSeconds(-5));
        var cut = _ctx.Bunit.Render<AgentsPage>();
        cut.WaitForAssertion(() => Presence(cut).ShouldBe([("VPN01", "Online")]));

        _ctx.Time.Advance(TimeSpan.FromMinutes(2));
        // What the ten-second timer does; an AgentsChanged event takes the same path.
        _ctx.Events.Publish(new FleetChange(FleetChangeKind.AgentsChanged));

        cut.WaitForAssertion(() => Presence(cut).ShouldBe([("VPN01", "Late")]));
    }

    private static IElement DialogButton(IRenderedComponent<MudDialogProvider> dialogs, string text) =>
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == text);

    private static List<(string, string)> Presence(IRenderedComponent<AgentsPage> cut) =>
        cut.FindAll("#agent-list tbody tr").Select(r => (r.QuerySelector("td a")!.TextContent, r.QuerySelector(".presence")!.TextContent)).ToList();

    private async Task<DateTimeOffset?> RevokedAtAsync(Guid agentId)
    {
        await using var db = _ctx.Db();
        return (await db.Agents.SingleAsync(a => a.Id == agentId, Ct)).RevokedAt;
    }

    private AgentEnrollmentToken Token(DateTimeOffset created, DateTimeOffset expires, Guid? usedBy = null, bool revoked = false) => new()
    {
        Id = Guid.NewGuid(),
        Role = ServerRole.Rras,
        TokenHash = RandomNumberGenerator.GetBytes(32),
        CreatedAt = created,
        ExpiresAt = expires,
        UsedAt = usedBy is null ? null : created.AddSeconds(30),
        UsedByAgentId = usedBy,
        RevokedAt = revoked ? created.AddSeconds(30) : null,
    };

    private async Task<Guid> SeedAgentAsync(string name, DateTimeOffset? lastSeen, string? revokedReason = null) =>
        (await FleetSeed.RrasServerAsync(_ctx, name, lastSeen, Ct, revokedReason: revokedReason)).AgentId!.Value;
}
