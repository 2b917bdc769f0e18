using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Agent.Simulation;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Hosting;

/// <summary>
/// Two portal processes on one PostgreSQL database behind nginx with the shipped configuration
/// (deploy/nginx/vpnportal.conf): what one node hears reaches the other at once, a browser stays on its node, and a
/// node stopped under load loses nothing while the agents carry on through the other.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.Postgres)]
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class SeveralNodesTests(ChromiumBrowser chromium)
{
    private static readonly SimulationOptions Quiet = new()
    {
        Seed = 5,
        TargetSessions = 2,
        // Sessions a test connects are reported within a second or two, not at the next 10 s look.
        SessionChangeCheckInterval = TimeSpan.FromMilliseconds(500),
    };

    [Fact]
    public async Task ACommandQueuedThroughOneNode_ReachesAnAgentHeldOnTheOther_InUnderASecond()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await TwoNodePortal.StartAsync(ct);
        var onA = (await env.StartFleetAsync(env.A.BaseUrl, null, 1, 1, Quiet, null, ct)).RrasServers[0];
        var onB = (await env.StartFleetAsync(env.B.BaseUrl, null, 2, 1, Quiet, null, ct)).RrasServers[0];
        using var apiA = env.Api(env.A);
        using var apiB = env.Api(env.B);

        // Each round connects someone on one node's server and disconnects them through the other node's API; the
        // first round each way warms both processes up and is not counted.
        var timings = new List<(string Way, TimeSpan Elapsed)>();
        for (var round = 0; round < 8; round++)
        {
            var (server, api, way) = round % 2 == 0 ? (onB, apiA, "queued on A, agent held on B") : (onA, apiB, "queued on B, agent held on A");
            var user = $"dora{round}@corp.example";
            server.Connect(user);
            await Eventually.ReachAsync(async () => await SessionUsersAsync(api, server.MachineName, ct), users => users.Contains(user), ct);

            var watch = Stopwatch.StartNew();
            using var response = await api.PostAsJsonAsync("/api/v1/disconnects", new { identity = user }, ct);
            response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync(ct));
            while (server.ConnectedUserNames().Contains(user, StringComparer.OrdinalIgnoreCase))
            {
                watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), $"{user} was not disconnected ({way})");
                await Task.Delay(5, ct);
            }

            if (round >= 2)
            {
                timings.Add((way, watch.Elapsed));
            }
        }

        foreach (var (way, elapsed) in timings)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{way}: {elapsed.TotalMilliseconds:0} ms from the API call to the session gone on the server");
        }

        // A held poll reads the database again every 5 s of its own accord; these are the other node's NOTIFY waking it.
        timings.ShouldAllBe(t => t.Elapsed < TimeSpan.FromSeconds(1), string.Join(", ", timings.Select(t => $"{t.Elapsed.TotalMilliseconds:0} ms")));
    }

    [Fact]
    public async Task APageOpenThroughTheProxy_StaysOnItsNode_AndUpdatesFromAReportThatLandedOnTheOther()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await TwoNodePortal.StartAsync(ct);
        var onA = (await env.StartFleetAsync(env.A.BaseUrl, null, 1, 1, Quiet, null, ct)).RrasServers[0];
        var onB = (await env.StartFleetAsync(env.B.BaseUrl, null, 2, 1, Quiet, null, ct)).RrasServers[0];

        await using var tab = await chromium.NewPageAsync(env.Proxy.BaseUrl, "two-nodes", ignoreHttpsErrors: true);
        await tab.Page.GotoAsync("account/sign-in");
        await tab.SignInAsync(TwoNodePortal.Email, TwoNodePortal.Password);
        var affinity = (await tab.Page.Context.CookiesAsync()).Single(c => c.Name == "vpnportal_node");
        affinity.Secure.ShouldBeTrue();
        affinity.HttpOnly.ShouldBeTrue();
        var served = await env.Proxy.RequestsAsync(affinity.Value);
        served.ShouldNotBeEmpty();
        var (serving, other) = env.Nodes(served[^1].Upstream);
        var elsewhere = other == env.A ? onA : onB;

        Guid serverId;
        await using (var context = env.Database.CreateContext())
        {
            serverId = await context.Servers.Where(s => s.Name == elsewhere.MachineName).Select(s => s.Id).SingleAsync(ct);
        }

        await tab.GotoInteractiveAsync($"servers/rras/{serverId}");
        await Expect(tab.Page.Locator("body")).ToContainTextAsync(elsewhere.MachineName);
        const string Newcomer = "zoe.newcomer@corp.example";
        await Expect(tab.Page.Locator(".session-grid")).Not.ToContainTextAsync(Newcomer);

        // The agent of that server reports to the other node only; the open page hears of it through the database.
        elsewhere.Connect(Newcomer);
        await Expect(tab.Page.Locator(".session-grid")).ToContainTextAsync(Newcomer, new() { Timeout = 10_000 });

        // Every request of this browser, the circuit's included, went to the node it started on.
        var requests = await env.Proxy.RequestsAsync(affinity.Value);
        requests.ShouldAllBe(r => r.Upstream == $"127.0.0.1:{serving.BaseUrl.Port}");
        requests.ShouldContain(r => r.Request.StartsWith("POST /_blazor/negotiate", StringComparison.Ordinal));
        await tab.ShouldHaveNoScriptErrorsAsync();
    }

    [Fact]
    public async Task ANodeStoppedUnderLoad_LosesNoReportCommandOrNotification_AndTheAgentsCarryOnThroughTheOther()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = new Dictionary<string, string>
        {
            // The SSTP certificate a simulated fleet shares is 165 days from expiry: each fleet's opens an alert that notifies the on-call person.
            ["Alerts:PurposeThresholdDays:Sstp:0"] = "180",
            ["Alerts:ScanInterval"] = "00:00:02",
            // A scan the stopped node was running holds the job for two check-ins and 7.5 s before the other node may run it.
            ["Jobs:ClusterCheckinSeconds"] = "2",
        };
        await using var env = await TwoNodePortal.StartAsync(ct, settings);
        var onCall = await AdminCommands.RunAsync(env.Database, "create-user", "--email", "oscar@corp.example", "--password", "on call all night long 42", "--role", "OnCall");
        onCall.Exit.ShouldBe(0, onCall.Err);
        var interval = TimeSpan.FromSeconds(2);
        var first = await env.StartFleetAsync(env.Proxy.BaseUrl, env.Proxy.CreateClient(), 1, 8, Quiet with { PublicFqdn = "vpn-east.corp.example" }, interval, ct);
        using var api = env.ApiThroughProxy();
        await Eventually.ReachAsync(async () => await ReportedServersAsync(env, ct), n => n == 8, ct);
        await using var db = env.Database.CreateContext();
        await Eventually.ReachAsync(async () => await db.Alerts.AsNoTracking().CountAsync(ct), n => n == 1, ct);

        // Untrust device certificates on every server while one node goes away: before, at and after the stop.
        var devices = Enumerable.Range(1, 6).Select(i => DeviceCertificates.Create($"LT-{i:D4}.corp.example")).ToList();
        await UntrustAsync(api, devices[0], ct);
        await UntrustAsync(api, devices[1], ct);
        var sentBefore = first.Agents.ToDictionary(a => a, a => a.Runner!.SnapshotsSent);
        await env.A.DisposeAsync();
        await UntrustAsync(api, devices[2], ct);

        // Servers that join after the stop enroll, report and are alerted on through the node that is left.
        var second = await env.StartFleetAsync(env.Proxy.BaseUrl, env.Proxy.CreateClient(), 9, 4, Quiet with { PublicFqdn = "vpn-west.corp.example" }, interval, ct);
        foreach (var device in devices.Skip(3))
        {
            await UntrustAsync(api, device, ct);
        }

        var servers = first.RrasServers.Concat(second.RrasServers).ToList();
        var agents = first.Agents.Concat(second.Agents).ToList();
        await Eventually.ReachAsync(
            () => Task.FromResult(servers.Count(s => devices.All(d => s.Thumbprints(CertificateStoreKind.Disallowed).Contains(d.Thumbprint)))),
            n => n == servers.Count,
            ct,
            seconds: 60);

        // The agents that were on both nodes carry on through the one left, and none gave up on a snapshot.
        await Eventually.ReachAsync(
            () => Task.FromResult(first.Agents.Count(a => a.Runner!.SnapshotsSent >= sentBefore[a] + 3)),
            n => n == first.Agents.Count,
            ct);
        agents.ShouldAllBe(a => a.Runner!.SnapshotsFailed == 0);

        // Reports: each agent's latest snapshot is the one the portal applied last.
        await Eventually.ReachAsync(
            async () =>
            {
                var applied = await db.Agents.AsNoTracking().Where(a => a.RevokedAt == null).ToDictionaryAsync(a => a.MachineName, a => a.LastSnapshotSequence, ct);
                var sent = await Task.WhenAll(agents.Select(async a => (a.Server.MachineName, Last: await a.State.LoadLastSequenceAsync(ct))));
                return sent.Count(s => applied.GetValueOrDefault(s.MachineName) == s.Last);
            },
            n => n == agents.Count,
            ct);

        // Commands: every one queued (the servers that joined later get the earlier certificates too) was answered, none failed.
        await Eventually.ReachAsync(
            async () => string.Join(", ", await db.AgentCommands.AsNoTracking().Where(c => c.Kind == AgentCommandKinds.ImportCertificate)
                .GroupBy(c => c.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}").ToListAsync(ct)),
            byStatus => byStatus.StartsWith($"{AgentCommandStatus.Succeeded} ", StringComparison.Ordinal) && !byStatus.Contains(',', StringComparison.Ordinal)
                && int.Parse(byStatus.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= devices.Count * servers.Count,
            ct);

        // Notifications: one alert per fleet's certificate (the second opened after the stop), each delivered once to the
        // on-call person, none left claimed by the node that went.
        await Eventually.ReachAsync(async () => await db.Alerts.AsNoTracking().CountAsync(ct), n => n == 2, ct, seconds: 60);
        await Eventually.ReachAsync(
            async () => await db.NotificationOutbox.AsNoTracking().CountAsync(m => m.State != OutboxState.Delivered, ct),
            n => n == 0,
            ct);
        var delivered = await db.PortalNotifications.AsNoTracking().Where(n => n.AlertId != null).Select(n => n.AlertId).ToListAsync(ct);
        delivered.Count.ShouldBe(2);
        delivered.Distinct().Count().ShouldBe(2);
    }

    private static async Task UntrustAsync(HttpClient api, X509Certificate2 device, CancellationToken ct)
    {
        using var response = await api.PostAsJsonAsync(
            "/api/v1/untrusted-certificates", new { certificate = Convert.ToBase64String(device.RawData), reason = "laptop stolen" }, ct);
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync(ct));
    }

    private static async Task<int> ReportedServersAsync(TwoNodePortal env, CancellationToken ct)
    {
        await using var db = env.Database.CreateContext();
        return await db.Agents.AsNoTracking().CountAsync(a => a.LastSnapshotSequence > 0, ct);
    }

    private static async Task<HashSet<string>> SessionUsersAsync(HttpClient api, string server, CancellationToken ct)
    {
        var page = await api.GetFromJsonAsync<JsonElement>($"/api/v1/sessions?server={server}&take=500", ct);
        var items = page.ValueKind == JsonValueKind.Array ? page : page.GetProperty("items");
        return items.EnumerateArray().Select(s => s.GetProperty("userName").GetString()!).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}
