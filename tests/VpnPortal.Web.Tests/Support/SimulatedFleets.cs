using Microsoft.Extensions.Logging.Abstractions;
using VpnPortal.Agent.Simulation;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Tests.AgentApi;
using Xunit;

namespace VpnPortal.Web.Tests.Support;

/// <summary>A simulated fleet run against the test portal: real agents, each enrolled with a token the portal mints, over HTTP.</summary>
internal static class SimulatedFleets
{
    /// <summary>Enrolls the fleet <paramref name="options"/> describe, runs it while <paramref name="whileRunning"/> runs, and stops it.</summary>
    public static async Task RunAsync(PortalFactory portal, SimulatedFleetOptions options, Func<SimulatedFleet, Task> whileRunning)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient(portal.Server.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        var fleet = new SimulatedFleet(
            options with { Portal = new Uri("http://localhost/") },
            http,
            (role, _, _) => portal.CreateTokenAsync(role == AgentRole.Nps ? ServerRole.Nps : ServerRole.Rras),
            NullLoggerFactory.Instance);
        await fleet.EnrollAsync(null, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = fleet.RunAsync(stop.Token);
        try
        {
            await whileRunning(fleet);
        }
        finally
        {
            await stop.CancelAsync();
            await running.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
    }
}
