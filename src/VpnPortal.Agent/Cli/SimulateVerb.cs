using Microsoft.Extensions.Logging;
using VpnPortal.Agent.Runtime;
using VpnPortal.Agent.Simulation;

namespace VpnPortal.Agent.Cli;

/// <summary><c>simulate</c>: enroll and run a fleet of simulated RRAS and NPS servers against a portal.</summary>
internal sealed class SimulateVerb(Func<HttpClient>? httpClients = null, TimeSpan? statusInterval = null) : IAgentVerb
{
    public string Name => "simulate";

    public string Usage => "simulate --servers N [--nps M] --portal URL --token ADMIN_API_KEY [--sessions K] [--interval SECONDS] [--seed S] [--allow-insecure-http]   run simulated servers";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new CliOptions(args, new HashSet<string> { "servers", "nps", "portal", "token", "sessions", "interval", "seed" }, new HashSet<string> { PortalAddress.AllowInsecureFlag });
        var portal = PortalAddress.Parse(options);
        var apiKey = options.Required("token");
        if (options.Get("servers") is null)
        {
            throw new CliUsageException("--servers is required.");
        }

        var servers = options.Int("servers", 1, 0, 2000);
        var nps = options.Int("nps", 1, 0, 100);
        var sessions = options.Int("sessions", 40, 0, 20_000);
        var interval = options.Get("interval") is null ? (TimeSpan?)null : TimeSpan.FromSeconds(options.Int("interval", 30, 2, 3600));
        int? seed = options.Get("seed") is null ? null : options.Int("seed", 0, int.MinValue, int.MaxValue);
        if (servers + nps == 0)
        {
            throw new CliUsageException("Nothing to simulate: --servers and --nps are both 0.");
        }

        var synchronizedOutput = TextWriter.Synchronized(output);
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        using var http = httpClients?.Invoke() ?? AgentHttp.CreateClient();
        var fleet = new SimulatedFleet(
            new SimulatedFleetOptions
            {
                Portal = portal,
                RrasServers = servers,
                NpsServers = nps,
                ReportInterval = interval,
                Simulation = new SimulationOptions { TargetSessions = sessions, Seed = seed },
            },
            http,
            SimulatedFleet.PortalTokenSource(http, portal, apiKey),
            loggers);

        try
        {
            await fleet.EnrollAsync(
                agent => synchronizedOutput.WriteLine($"Enrolled {agent.Server.MachineName} as {agent.Identity!.Role} server {agent.Identity.ServerId}"),
                cancellationToken);
        }
        catch (Exception e) when (e is EnrollmentRejectedException or AgentPortalUnreachableException or AgentProtocolException or InvalidOperationException or HttpRequestException)
        {
            await error.WriteLineAsync($"Enrolling the simulated servers failed: {e.Message}");
            return AgentExitCodes.Failed;
        }

        await synchronizedOutput.WriteLineAsync($"{fleet.Agents.Count} simulated servers running against {portal}; Ctrl+C stops them.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = fleet.RunAsync(stop.Token);
        var status = WriteStatusAsync(fleet, synchronizedOutput, stop.Token);
        var notEnrolled = await run;
        await stop.CancelAsync();
        await status.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        await synchronizedOutput.WriteLineAsync($"Stopped. {Describe(fleet.Status())}");
        return notEnrolled > 0 && !cancellationToken.IsCancellationRequested ? AgentExitCodes.NotEnrolled : AgentExitCodes.Stopped;
    }

    private async Task WriteStatusAsync(SimulatedFleet fleet, TextWriter output, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(statusInterval ?? TimeSpan.FromSeconds(10));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            await output.WriteLineAsync($"{DateTimeOffset.Now:HH:mm:ss} {Describe(fleet.Status())}");
        }
    }

    private static string Describe(SimulatedFleetStatus s) =>
        $"{s.Agents} agents: {s.Running} running, {s.Paused} paused, {s.NotEnrolled} not enrolled, {s.Stopped} stopped; " +
        $"{s.SnapshotsSent} snapshots sent ({s.SnapshotsFailed} failed), {s.CommandsHandled} commands, {s.Sessions} sessions";
}
