using Microsoft.Extensions.Logging;
using VpnPortal.Agent.Hosting;
using VpnPortal.Agent.Logging;
using VpnPortal.Agent.Runtime;
using VpnPortal.Agent.Service;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Cli;

/// <summary>
/// <c>run</c>: the agent's service loop on an enrolled Windows RRAS or NPS server, as the Windows service the installer
/// creates or in a console.
/// </summary>
internal sealed class RunVerb : IAgentVerb
{
    public string Name => "run";

    public string Usage => "run [--config DIR]   report this server to the portal and run its commands (Windows)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new CliOptions(args, new HashSet<string> { "config" });
        if (!OperatingSystem.IsWindows())
        {
            await error.WriteLineAsync("run needs Windows; use simulate");
            return AgentExitCodes.Failed;
        }

        var store = new FileAgentStateStore(options.Get("config") ?? FileAgentStateStore.DefaultDirectory());
        var identity = await store.LoadIdentityAsync(cancellationToken);
        if (identity is null)
        {
            await error.WriteLineAsync($"This agent is not enrolled (no {store.IdentityPath}); enroll it with: enroll --portal URL --token-stdin");
            return AgentExitCodes.Failed;
        }

        var host = CreateHost(identity.Role);
        if (host is null)
        {
            await error.WriteLineAsync("the Windows host is not available in this build");
            return AgentExitCodes.Failed;
        }

        using var fileLog = new FileLoggerProvider(Path.Combine(store.Directory, "logs"));
        using var http = AgentHttp.CreateClient();
        AgentRunner? runner = null;
        using var service = AgentServiceHost.Build(
            loggers =>
            {
                var logger = loggers.CreateLogger("VpnPortal.Agent");
                logger.LogInformation("Starting {Identity}", identity);
                return runner = new AgentRunner(host, new AgentClient(http, identity.Portal, identity.Credential, logger), store, AgentRunnerOptions.For(identity), logger);
            },
            [fileLog]);
        var exitCode = await AgentServiceHost.RunAsync(service, cancellationToken);
        if (exitCode == AgentExitCodes.NotEnrolled && runner is not null)
        {
            await error.WriteLineAsync(runner.NotEnrolledMessage);
        }

        return exitCode;
    }

    /// <summary>The real server this agent manages.</summary>
    private static IServerHost? CreateHost(AgentRole role) => OperatingSystem.IsWindows() ? new Windows.WindowsServerHost(role) : null;
}
