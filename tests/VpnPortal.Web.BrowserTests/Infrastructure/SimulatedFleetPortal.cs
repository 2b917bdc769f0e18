using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using VpnPortal.Agent.Runtime;
using VpnPortal.Agent.Simulation;
using VpnPortal.Testing;

namespace VpnPortal.Web.BrowserTests.Infrastructure;

/// <summary>
/// The portal as a real process on a fresh SQLite database with one admin (and their API key), and a simulated fleet in
/// the test process whose agents enroll with tokens minted through the v1 API and report over real HTTP.
/// </summary>
public sealed class SimulatedFleetPortal : IAsyncDisposable
{
    public const string Email = "ada@corp.example";
    public const string Password = "correct horse battery staple";

    private readonly HttpClient _agentHttp;
    private readonly CancellationTokenSource _stop;
    private readonly Task<int> _running;

    private SimulatedFleetPortal(TestDatabase database, PortalProcess portal, string apiKey, HttpClient agentHttp, SimulatedFleet fleet, CancellationTokenSource stop, Task<int> running)
    {
        Database = database;
        Portal = portal;
        ApiKey = apiKey;
        _agentHttp = agentHttp;
        Fleet = fleet;
        _stop = stop;
        _running = running;
    }

    public TestDatabase Database { get; }
    public PortalProcess Portal { get; }
    public string ApiKey { get; }
    public SimulatedFleet Fleet { get; }

    /// <summary>The portal with <paramref name="settings"/> added to its configuration (e.g. "Alerts:ScanInterval"), and the fleet enrolled.</summary>
    public static async Task<SimulatedFleetPortal> StartAsync(
        int rrasServers, int npsServers, SimulationOptions simulation, CancellationToken ct, IReadOnlyDictionary<string, string>? settings = null)
    {
        var db = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);
        (await AdminCommands.RunAsync(db, "create-user", "--email", Email, "--password", Password, "--role", "Admin")).Exit.ShouldBe(0);
        var key = await AdminCommands.RunAsync(db, "create-api-key", "--email", Email, "--name", "fleet-simulation");
        key.Exit.ShouldBe(0, key.Err);
        var apiKey = key.Out.Trim();
        var portal = await PortalProcess.StartAsync(db, ct, settings);
        var http = AgentHttp.CreateClient();
        var fleet = new SimulatedFleet(
            new SimulatedFleetOptions
            {
                Portal = portal.BaseUrl,
                RrasServers = rrasServers,
                NpsServers = npsServers,
                Simulation = simulation,
                StaggerFirstReport = false,
            },
            http,
            SimulatedFleet.PortalTokenSource(http, portal.BaseUrl, apiKey),
            NullLoggerFactory.Instance);
        await fleet.EnrollAsync(null, ct);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        return new SimulatedFleetPortal(db, portal, apiKey, http, fleet, stop, fleet.RunAsync(stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
        _agentHttp.Dispose();
        await Portal.DisposeAsync();
        await Database.DisposeAsync();
    }
}
