using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VpnPortal.Agent.Simulation;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Hosting;

namespace VpnPortal.Bench;

/// <summary>The portal on Kestrel (loopback) in this process, on a fresh database, with a simulated fleet enrolled over HTTP.</summary>
internal sealed class InProcessPortal : IAsyncDisposable
{
    private readonly string _directory;

    private InProcessPortal(WebApplication app, Uri url, string directory)
    {
        App = app;
        Url = url;
        _directory = directory;
    }

    public WebApplication App { get; }
    public Uri Url { get; }

    public static Task<InProcessPortal> StartAsync(params string[] settings) => StartAsync(null, settings);

    /// <summary>
    /// On a fresh SQLite file, or with <paramref name="postgres"/> (a connection string) on the PostgreSQL database it
    /// names, which the caller made empty for the run.
    /// </summary>
    public static async Task<InProcessPortal> StartAsync(string? postgres, params string[] settings)
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
        var builder = PortalHost.CreateBuilder(
        [
            "--urls", url, "--environment", "Production", .. database, "--Simulation:Enabled=false",
            "--Logging:LogLevel:Default=Warning", .. KeyCertificate.Create(directory).Select(s => $"--{s.Key}={s.Value}"), .. settings,
        ]);
        var app = builder.Build();
        await PortalDatabase.MigrateAsync(app.Services);
        app.UsePortal();
        await app.StartAsync();
        return new InProcessPortal(app, new Uri(url), directory);
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

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
