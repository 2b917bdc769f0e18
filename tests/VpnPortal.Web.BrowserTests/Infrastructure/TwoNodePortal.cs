using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using VpnPortal.Agent.Runtime;
using VpnPortal.Agent.Simulation;
using VpnPortal.Testing;

namespace VpnPortal.Web.BrowserTests.Infrastructure;

/// <summary>
/// Two portal processes on one PostgreSQL database behind Debian's nginx running the shipped configuration, as the
/// README's "Several portal nodes" describes: both nodes trust the proxy's address, share the data-protection keys
/// (in the database, under the same key-encryption certificate) and form one scheduler cluster. One admin with an API key.
/// </summary>
public sealed class TwoNodePortal : IAsyncDisposable
{
    public const string Email = SimulatedFleetPortal.Email;
    public const string Password = SimulatedFleetPortal.Password;

    private readonly List<IAsyncDisposable> _fleets = [];

    private TwoNodePortal(TestDatabase database, string apiKey, PortalProcess a, PortalProcess b, NginxProxy proxy)
    {
        Database = database;
        ApiKey = apiKey;
        A = a;
        B = b;
        Proxy = proxy;
    }

    public TestDatabase Database { get; }
    public string ApiKey { get; }
    public PortalProcess A { get; }
    public PortalProcess B { get; }
    public NginxProxy Proxy { get; }

    public static async Task<TwoNodePortal> StartAsync(CancellationToken ct, IReadOnlyDictionary<string, string>? settings = null)
    {
        var db = await TestDatabase.CreateMigratedAsync(TestDatabase.Postgres);
        PortalProcess? a = null;
        PortalProcess? b = null;
        try
        {
            (await AdminCommands.RunAsync(db, "create-user", "--email", Email, "--password", Password, "--role", "Admin")).Exit.ShouldBe(0);
            var key = await AdminCommands.RunAsync(db, "create-api-key", "--email", Email, "--name", "two-nodes");
            key.Exit.ShouldBe(0, key.Err);
            var nodeSettings = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
            {
                ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            };
            a = await PortalProcess.StartAsync(db, ct, nodeSettings);
            b = await PortalProcess.StartAsync(db, ct, nodeSettings);
            var proxy = await NginxProxy.StartAsync([a.BaseUrl, b.BaseUrl], ct);
            return new TwoNodePortal(db, key.Out.Trim(), a, b, proxy);
        }
        catch
        {
            if (a is not null)
            {
                await a.DisposeAsync();
            }

            if (b is not null)
            {
                await b.DisposeAsync();
            }

            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>The other node than the one at <paramref name="address"/> ("127.0.0.1:PORT", as nginx logs it).</summary>
    public (PortalProcess Serving, PortalProcess Other) Nodes(string address) =>
        address == $"127.0.0.1:{A.BaseUrl.Port}" ? (A, B)
        : address == $"127.0.0.1:{B.BaseUrl.Port}" ? (B, A)
        : throw new InvalidOperationException($"{address} is neither node ({A.BaseUrl}, {B.BaseUrl}).");

    /// <summary>The v1 API with the admin's key, straight to one node.</summary>
    public HttpClient Api(PortalProcess node)
    {
        var http = new HttpClient { BaseAddress = node.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return http;
    }

    /// <summary>The v1 API with the admin's key, through the proxy (either node answers).</summary>
    public HttpClient ApiThroughProxy()
    {
        var http = Proxy.CreateClient(TimeSpan.FromSeconds(30));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return http;
    }

    /// <summary>
    /// A simulated fleet of RRAS servers from number <paramref name="firstNumber"/> whose agents reach the portal at
    /// <paramref name="portal"/> (a node, or the proxy when <paramref name="http"/> is the proxy's client), enrolled and
    /// running until the environment is disposed.
    /// </summary>
    public async Task<SimulatedFleet> StartFleetAsync(
        Uri portal, HttpClient? http, int firstNumber, int servers, SimulationOptions simulation, TimeSpan? reportInterval, CancellationToken ct)
    {
        var agentHttp = http ?? AgentHttp.CreateClient();
        var fleet = new SimulatedFleet(
            new SimulatedFleetOptions
            {
                Portal = portal,
                RrasServers = servers,
                NpsServers = 0,
                FirstServerNumber = firstNumber,
                Simulation = simulation,
                ReportInterval = reportInterval,
                StaggerFirstReport = false,
            },
            agentHttp,
            SimulatedFleet.PortalTokenSource(agentHttp, portal, ApiKey),
            NullLoggerFactory.Instance);
        await fleet.EnrollAsync(null, ct);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _fleets.Add(new RunningFleet(fleet.RunAsync(stop.Token), stop, agentHttp));
        return fleet;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var fleet in _fleets)
        {
            await fleet.DisposeAsync();
        }

        await Proxy.DisposeAsync();
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Database.DisposeAsync();
    }

    private sealed class RunningFleet(Task<int> running, CancellationTokenSource stop, HttpClient http) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await running;
            stop.Dispose();
            http.Dispose();
        }
    }
}
