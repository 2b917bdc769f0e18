using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Testing;
using VpnPortal.Web.Cli;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Cli;

/// <summary>`admin create-enrollment-token`, then an agent enrolling with the printed token against the portal.</summary>
public sealed class EnrollmentTokenCliTests
{
    [Fact]
    public async Task CreateEnrollmentToken_PrintsOnlyTheToken_WhichEnrollsOneNpsServerOnce()
    {
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);

        var run = await RunAsync(db, "create-enrollment-token", "--role", "nps", "--valid-for", "2h");

        run.Exit.ShouldBe(0, run.Err);
        var token = run.Out.TrimEnd('\r', '\n');
        token.ShouldNotContain("\n", customMessage: "stdout holds the token alone, so scripts can capture it");
        run.Err.ShouldContain("NPS");
        await using (var ctx = db.CreateContext())
        {
            var stored = await ctx.AgentEnrollmentTokens.SingleAsync(TestContext.Current.CancellationToken);
            (stored.ExpiresAt - stored.CreatedAt).ShouldBe(TimeSpan.FromHours(2));
            (await ctx.AuditEntries.CountAsync(e => e.Actor.StartsWith("cli"), TestContext.Current.CancellationToken)).ShouldBeGreaterThan(0, "the CLI's change is audited");
        }

        await using var portal = await PortalFactory.StartOnAsync(db);
        using var enrolled = await portal.PostEnrollAsync(token, "NPS01");
        enrolled.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await enrolled.Content.ReadFromJsonAsync<EnrollResponse>(AgentJson.Options, TestContext.Current.CancellationToken))!.Role.ShouldBe(AgentRole.Nps);
        using var again = await portal.PostEnrollAsync(token, "NPS02");
        again.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CreateEnrollmentToken_Replace_MintsATokenForThatServerAlone()
    {
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        Guid serverId;
        await using (var portal = await PortalFactory.StartOnAsync(db))
        {
            serverId = (await portal.EnrollAsync(Data.Entities.ServerRole.Rras, "VPN01")).ServerId;
        }

        var run = await RunAsync(db, "create-enrollment-token", "--replace", "vpn01");

        run.Exit.ShouldBe(0, run.Err);
        run.Err.ShouldContain("replacing the agent of VPN01");
        await using (var ctx = db.CreateContext())
        {
            var stored = await ctx.AgentEnrollmentTokens.SingleAsync(t => t.UsedAt == null, TestContext.Current.CancellationToken);
            stored.ReplacesServerId.ShouldBe(serverId);
            stored.Role.ShouldBe(Data.Entities.ServerRole.Rras);
        }

        await using var restarted = await PortalFactory.StartOnAsync(db);
        using var rebuilt = await restarted.PostEnrollAsync(run.Out.Trim(), "VPN01");
        rebuilt.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await rebuilt.Content.ReadFromJsonAsync<EnrollResponse>(AgentJson.Options, TestContext.Current.CancellationToken))!.ServerId.ShouldBe(serverId);
    }

    [Theory]
    [InlineData("--replace", "VPN99", "No server named VPN99 is in the portal")]
    [InlineData("--valid-for", "1h", "--role is required for a new server")]
    [InlineData("--role", "vpn", "--role must be rras or nps")]
    [InlineData("--role", "rras", "--valid-for", "forever", "not a duration")]
    [InlineData("--role", "rras", "--valid-for", "30d", "at most 7 days")]
    public async Task CreateEnrollmentToken_BadArguments_CreateNothing(params string[] argsAndMessage)
    {
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);

        var run = await RunAsync(db, ["create-enrollment-token", .. argsAndMessage[..^1]]);

        run.Exit.ShouldNotBe(0);
        run.Err.ShouldContain(argsAndMessage[^1]);
        await using var ctx = db.CreateContext();
        (await ctx.AgentEnrollmentTokens.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("1h", 3600)]
    [InlineData("1.5h", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("01:00:00", 3600)]
    public void Durations_AsPeopleTypeThem_Parse(string text, int seconds) =>
        Durations.Parse(text).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Theory]
    [InlineData("")]
    [InlineData("-1h")]
    [InlineData("1w")]
    [InlineData("h")]
    public void Durations_Nonsense_IsNull(string text) => Durations.Parse(text).ShouldBeNull();

    private static Task<(int Exit, string Out, string Err)> RunAsync(TestDatabase db, params string[] args) => AdminCliTests.RunAsync(db, args);
}
