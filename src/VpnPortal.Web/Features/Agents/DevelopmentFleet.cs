using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Agent.Runtime;
using VpnPortal.Agent.Simulation;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Jobs;

namespace VpnPortal.Web.Features.Agents;

/// <summary>Settings of the in-process simulated fleet (section "Simulation"), on by default only in Development.</summary>
public sealed class SimulationSettings
{
    public const string Section = "Simulation";

    public bool Enabled { get; set; }
    public int RrasServers { get; set; } = 4;
    public int NpsServers { get; set; } = 2;
    public int SessionsPerServer { get; set; } = 40;

    /// <summary>
    /// Two misconfigurations found on real fleets, so a new admin sees what the diagnostics find: RRAS-SIM-01's IPv6 SSTP
    /// binding left on the old certificate after a renewal, and RRAS-SIM-02's RADIUS timeout too short for phone-call MFA.
    /// </summary>
    public bool Misconfigurations { get; set; } = true;
}

/// <summary>
/// A simulated fleet run inside the portal process, so that the first <c>dotnet run</c> shows live servers. Each
/// simulated server is a real agent: it enrolls with a token the portal mints for it and talks to the portal over
/// HTTP on the portal's own address, exactly as a Windows server would.
/// </summary>
public sealed class DevelopmentFleet(
    IServer server,
    IHostApplicationLifetime lifetime,
    IServiceScopeFactory scopes,
    ILoggerFactory loggers,
    Microsoft.Extensions.Options.IOptions<SimulationSettings> settings) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<DevelopmentFleet>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = settings.Value;
        if (!await WaitForStartAsync(stoppingToken))
        {
            return;
        }

        var portal = PortalAddress();
        if (portal is null)
        {
            _logger.LogWarning("The simulated fleet did not start: the portal has no HTTP address to talk to");
            return;
        }

        using var http = AgentHttp.CreateClient();
        var fleet = new SimulatedFleet(FleetOptions(options, portal), http, MintTokenAsync, loggers);
        try
        {
            await fleet.EnrollAsync(null, stoppingToken);
            _logger.LogInformation(
                "Simulated fleet of {Rras} RRAS and {Nps} NPS servers reporting to {Portal}{Misconfigured}; set Simulation:Enabled=false to turn it off",
                options.RrasServers,
                options.NpsServers,
                portal,
                options.Misconfigurations ? ", with two misconfigurations for the diagnostics to find (Simulation:Misconfigurations=false for none)" : "");
            await fleet.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The portal is stopping.
        }
        catch (Exception e)
        {
            // A broken simulation must not take the portal down with it; say so plainly.
            _logger.LogError(e, "The simulated fleet stopped");
        }
    }

    /// <summary>The fleet the settings describe, reporting to <paramref name="portal"/>.</summary>
    public static SimulatedFleetOptions FleetOptions(SimulationSettings settings, Uri portal) => new()
    {
        Portal = portal,
        RrasServers = settings.RrasServers,
        NpsServers = settings.NpsServers,
        Simulation = new SimulationOptions { TargetSessions = settings.SessionsPerServer },
        Misconfigurations = settings.Misconfigurations,
    };

    /// <summary>A token for a simulated server: a new one, or one replacing the agent of the server an earlier run enrolled.</summary>
    private async Task<string> MintTokenAsync(AgentRole role, string name, CancellationToken ct)
    {
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.PortalDbContext>();
        var lower = name.ToLowerInvariant();
        var known = await db.Servers.AnyAsync(s => s.Name.ToLower() == lower, ct);
        var request = known
            ? new EnrollmentTokens.Request(null, ReplaceServer: name, ValidFor: TimeSpan.FromMinutes(10))
            : new EnrollmentTokens.Request(role == AgentRole.Rras ? ServerRole.Rras : ServerRole.Nps, name, ValidFor: TimeSpan.FromMinutes(10));
        var created = await scope.ServiceProvider.GetRequiredService<EnrollmentTokens>().CreateAsync(request, null, ct);
        return created.Value?.Token ?? throw new InvalidOperationException(created.Error);
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The portal's own listening address, with a wildcard host replaced by loopback.</summary>
    private Uri? PortalAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (address is null)
        {
            return null;
        }

        var uri = new UriBuilder(address.Replace("://*", "://localhost").Replace("://+", "://localhost").Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://localhost"));
        return uri.Uri;
    }
}
