using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Auditing;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Metrics;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Metrics;

/// <summary>
/// A test portal whose requests name the peer they come from (<see cref="TestPeer"/>), reading the database for every
/// scrape unless a test sets its own refresh interval.
/// </summary>
internal static class MetricsPortal
{
    public const string Loopback = "127.0.0.1";

    public static Task<PortalFactory> StartAsync(Dictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string> { ["Metrics:RefreshInterval"] = "00:00:00" };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return PortalFactory.StartAsync(settings: all, services: s => s.AddSingleton<IStartupFilter, TestPeer>());
    }

    /// <summary>GET /metrics from <paramref name="peer"/> (none: the test server's own, which has no address), with these headers.</summary>
    public static async Task<HttpResponseMessage> GetMetricsAsync(this PortalFactory portal, string? peer, params (string Name, string Value)[] headers)
    {
        using var client = portal.CreateApiClient(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, MetricsFeature.Path);
        if (peer is not null)
        {
            request.Headers.Add(TestPeer.Header, peer);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>A scrape from loopback, parsed.</summary>
    public static async Task<PrometheusText> ScrapeAsync(this PortalFactory portal)
    {
        using var response = await portal.GetMetricsAsync(Loopback);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return PrometheusText.Parse(body);
    }

    /// <summary>Queues a command for the agent's server as the portal's own work: its id.</summary>
    public static Task<Guid> QueueRefreshAsync(this PortalFactory portal, TestAgent agent) =>
        portal.InScopeAsync(async sp =>
        {
            var queued = await sp.GetRequiredService<AgentCommandQueue>()
                .QueueAsync(agent.ServerId, AgentCommandKinds.RefreshReport, null, AuditActor.System, ct: TestContext.Current.CancellationToken);
            queued.Error.ShouldBeNull();
            return queued.Value!.CommandId;
        });

    /// <summary>The agent collects its commands and answers each as succeeded.</summary>
    public static async Task RunCommandsAsync(this TestAgent agent)
    {
        foreach (var command in (await agent.PollAsync()).Commands)
        {
            using var answered = await agent.AnswerAsync(command.Id, CommandOutcome.Succeeded);
            answered.EnsureSuccessStatusCode();
        }
    }
}
