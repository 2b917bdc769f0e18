using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Metrics;

/// <summary>The counters and histograms move where things happen: an agent's report, a command's way to its agent and back.</summary>
public sealed class MetricsCounterTests
{
    [Fact]
    public async Task AReport_IsCountedAndTimed_AReplayIsCountedAsIgnored_AndItsServerSessionsAndCertificateShow()
    {
        await using var portal = await MetricsPortal.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var before = await portal.ScrapeAsync();

        var report = Snapshots.Rras(agent, Snapshots.Session("alice@corp.example"), Snapshots.Session("bob@corp.example", ReportedTunnelType.Ikev2));
        await agent.ReportAsync(report);
        (await agent.ReportAsync(report)).Applied.ShouldBeFalse();
        var after = await portal.ScrapeAsync();

        Moved(before, after, "vpnportal_agent_snapshots_total", ("role", "rras"), ("outcome", "applied")).ShouldBe(1);
        Moved(before, after, "vpnportal_agent_snapshots_total", ("role", "rras"), ("outcome", "ignored")).ShouldBe(1);
        Moved(before, after, "vpnportal_agent_snapshot_duration_seconds_count", ("role", "rras")).ShouldBe(1, "the replay wrote nothing and is not timed");
        after.Value("vpnportal_sessions", ("server", "VPN01"), ("tunnel_type", "sstp")).ShouldBe(1);
        after.Value("vpnportal_sessions", ("server", "VPN01"), ("tunnel_type", "ikev2")).ShouldBe(1);
        after.Value("vpnportal_certificate_expiry_days", ("server", "VPN01"), ("purpose", "sstp"))
            .ShouldBe((Snapshots.SstpCertificate.NotAfter - DateTime.Now).TotalDays, tolerance: 0.1);
    }

    [Fact]
    public async Task ACommand_IsCountedQueuedDeliveredAndCompleted_WithItsWaitForDelivery()
    {
        await using var portal = await MetricsPortal.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var before = await portal.ScrapeAsync();

        await portal.QueueRefreshAsync(agent);
        var queued = await portal.ScrapeAsync();
        await agent.RunCommandsAsync();
        var done = await portal.ScrapeAsync();

        Moved(before, queued, "vpnportal_agent_commands_queued_total", ("kind", "refresh-report")).ShouldBe(1);
        Moved(before, queued, "vpnportal_agent_commands_delivered_total", ("kind", "refresh-report")).ShouldBe(0);
        Moved(queued, done, "vpnportal_agent_commands_delivered_total", ("kind", "refresh-report")).ShouldBe(1);
        Moved(queued, done, "vpnportal_agent_command_delivery_duration_seconds_count", ("kind", "refresh-report")).ShouldBe(1);
        Moved(queued, done, "vpnportal_agent_commands_completed_total", ("state", "succeeded")).ShouldBe(1);
    }

    private static double Moved(PrometheusText before, PrometheusText after, string name, params (string Name, string Value)[] labels) =>
        after.Value(name, labels) - before.Value(name, labels);
}
