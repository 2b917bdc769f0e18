using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VpnPortal.Agent.Runtime;
using VpnPortal.Agent.Simulation;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.AgentApi;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Hosting;

namespace VpnPortal.Bench;

/// <summary>The portal on Kestrel (loopback) in this process, on a fresh database, with a simulated fleet enrolled over HTTP.</summary>
internal sealed class InProcessPortal : IAsyncDisposable
{
    private readonly string _directory;

    private readonly string[] _hostSettings;

    private InProcessPortal(WebApplication app, Uri url, string directory, string[] hostSettings)
    {
        App = app;
        Url = url;
        _directory = directory;
        _hostSettings = hostSettings;
    }

    public WebApplication App { get; }
    public Uri Url { get; }

    public static Task<InProcessPortal> StartAsync(params string[] settings) => StartOnAsync(null, settings);

    /// <summary>
    /// On a fresh SQLite file, or with <paramref name="postgres"/> (a connection string) on the PostgreSQL database it
    /// names, which the caller made empty for the run. (Not an overload of <see cref="StartAsync"/>: a call with settings
    /// alone would bind its first setting to the connection string.)
    /// </summary>
    public static async Task<InProcessPortal> StartOnAsync(string? postgres, params string[] settings)
    {
        var directory = Path.Combine(Path.GetTempPath(), "vpnportal-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var port = System.Net.Sockets.TcpListener.Create(0);
        port.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)port.LocalEndpoint).Port}";
        port.Stop();
        string[] database = postgres is null
            ? ["--Database:Provider=Sqlite", $"--Database:ConnectionString=Data Source={Path.Combine(directory, "bench.db")}"]
            : ["--Database:Provider=Postgres", $"--Database:ConnectionString={postgres}"];
        string[] hostSettings = [.. database, .. KeyCertificate.Create(directory).Select(s => $"--{s.Key}={s.Value}")];
        // Every simulated agent enrolls from this one loopback address, which the per-address limit would take for an attack.
        var builder = PortalHost.CreateBuilder(
        [
            "--urls", url, "--environment", "Production", .. hostSettings, "--Simulation:Enabled=false", "--Logging:LogLevel:Default=Warning",
            "--Security:RateLimits:Enrollment:PerAddress=100000", .. settings,
        ]);
        var app = builder.Build();
        await PortalDatabase.MigrateAsync(app.Services);
        app.UsePortal();
        await app.StartAsync();
        return new InProcessPortal(app, new Uri(url), directory, hostSettings);
    }

    /// <summary>A fleet of simulated RRAS servers whose agents enroll with tokens this portal mints.</summary>
    public async Task<SimulatedFleet> EnrollFleetAsync(HttpClient http, int servers, SimulationOptions simulation)
    {
        var fleet = new SimulatedFleet(
            new SimulatedFleetOptions { Portal = Url, RrasServers = servers, NpsServers = 0, Simulation = simulation, StaggerFirstReport = true },
            http,
            async (role, name, ct) =>
            {
                await using var scope = App.Services.CreateAsyncScope();
                var created = await scope.ServiceProvider.GetRequiredService<EnrollmentTokens>()
                    .CreateAsync(new EnrollmentTokens.Request(role == AgentRole.Rras ? ServerRole.Rras : ServerRole.Nps, name, ValidFor: TimeSpan.FromMinutes(10)), null, ct);
                return created.Value?.Token ?? throw new InvalidOperationException(created.Error);
            },
            LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)));
        await fleet.EnrollAsync(null, CancellationToken.None);
        return fleet;
    }

    /// <summary>Each enrolled agent's id and its server's, by the agent's machine name.</summary>
    public async Task<Dictionary<string, (Guid Agent, Guid Server)>> AgentsAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Agents.AsNoTracking()
            .ToDictionaryAsync(a => a.MachineName, a => (a.Id, a.ServerId));
    }

    /// <summary>The simulated server's report now, as its agent would send it with this sequence number.</summary>
    public static async Task<AgentSnapshot> SnapshotAsync(SimulatedRrasServer server, long sequence)
    {
        var state = await server.CollectAsync(CancellationToken.None);
        return new AgentSnapshot
        {
            Sequence = sequence,
            TakenAt = DateTimeOffset.UtcNow,
            MachineName = server.MachineName,
            HostFqdn = server.HostFqdn,
            AgentVersion = AgentVersion.Current,
            Rras = state.Rras,
            Certificates = state.Certificates,
        };
    }

    /// <summary>Applies an RRAS server's report through the portal's own handler; answers how long that took, and throws if it was refused.</summary>
    public async Task<double> ApplyAsync((Guid Agent, Guid Server) ids, AgentSnapshot snapshot)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService<ApplySnapshot>();
        var started = Stopwatch.GetTimestamp();
        var outcome = await handler.RunAsync(ids.Agent, ids.Server, ServerRole.Rras, snapshot, CancellationToken.None);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return outcome.Applied ? ms : throw new InvalidOperationException($"Snapshot {snapshot.Sequence} of {snapshot.MachineName} was not applied: {outcome.Reason}");
    }

    /// <summary>The portal's admin command line (e.g. create-user) on this portal's database and keys; answers what it printed.</summary>
    public async Task<string> AdminAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await VpnPortal.Web.Cli.AdminCli.RunAsync([.. args, .. _hostSettings], stdout, stderr);
        return exit == 0 ? stdout.ToString().Trim() : throw new InvalidOperationException($"admin {args[0]} exited {exit}: {stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
