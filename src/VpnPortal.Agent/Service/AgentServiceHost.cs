using System.Runtime.Versioning;
using System.ServiceProcess;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.EventLog;
using VpnPortal.Agent.Runtime;

namespace VpnPortal.Agent.Service;

/// <summary>
/// The agent's <c>run</c> under the generic host. Run by the service control manager as <see cref="ServiceName"/>, a stop
/// request (or the machine shutting down) cancels the runner and waits for it; in a console, Ctrl+C does the same.
/// </summary>
internal static class AgentServiceHost
{
    /// <summary>The Windows service the installer creates (deploy/windows/Install-VpnPortalAgent.ps1).</summary>
    public const string ServiceName = "VpnPortalAgent";

    /// <summary>The Application event log source the installer creates; the agent's warnings and errors go there.</summary>
    public const string EventLogSource = "VpnPortal Agent";

    public const string EventLogName = "Application";

    /// <param name="createRunner">The runner, made with the host's loggers.</param>
    /// <param name="logs">Where else the log goes (the agent's daily file), besides the console and, on Windows, the event log.</param>
    public static IHost Build(Func<ILoggerFactory, AgentRunner> createRunner, IEnumerable<ILoggerProvider> logs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // No appsettings, environment variables or command line: the agent's settings are its state directory. The
            // service control manager starts it in System32, so the content root is the program's own folder.
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Outside the service control manager (a console, another OS) this adds nothing and Ctrl+C stops the host.
        builder.Services.AddWindowsService(o => o.ServiceName = ServiceName);

        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Information).AddSimpleConsole(o => o.SingleLine = true);
        foreach (var log in logs)
        {
            builder.Logging.AddProvider(log);
        }

        if (OperatingSystem.IsWindows())
        {
            AddEventLog(builder.Logging);
        }

        builder.Services.AddSingleton(s => createRunner(s.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<AgentRunnerService>();
        builder.Services.AddHostedService(s => s.GetRequiredService<AgentRunnerService>());
        return builder.Build();
    }

    /// <summary>Runs the host until it is stopped or the runner ends; returns the runner's <see cref="AgentExitCodes"/> value.</summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken)
    {
        // Taken before the run: the host disposes of its services when it stops.
        var service = host.Services.GetRequiredService<AgentRunnerService>();
        await host.RunAsync(cancellationToken);
        return service.ExitCode;
    }

    /// <summary>Warnings and errors only: the event log is where an administrator looks for what went wrong, not a trace.</summary>
    [SupportedOSPlatform("windows")]
    private static void AddEventLog(ILoggingBuilder logging)
    {
        logging.AddEventLog(settings =>
        {
            settings.SourceName = EventLogSource;
            settings.LogName = EventLogName;
        });
        logging.AddFilter<EventLogLoggerProvider>(null, LogLevel.Warning);
    }
}

/// <summary>
/// Runs the <see cref="AgentRunner"/> for as long as the host runs, and stops the host when the runner ends by itself
/// (revoked, or failed).
/// </summary>
internal sealed class AgentRunnerService(AgentRunner runner, IHostApplicationLifetime application, IHostLifetime lifetime, ILogger<AgentRunnerService> logger)
    : BackgroundService
{
    /// <summary>How the runner ended, as an <see cref="AgentExitCodes"/> value.</summary>
    public int ExitCode { get; private set; } = AgentExitCodes.Stopped;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            ExitCode = await runner.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            ExitCode = AgentExitCodes.Stopped;
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "The agent stopped on an unexpected error");
            ExitCode = AgentExitCodes.Failed;
        }

        // A stop request is already stopping the host.
        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        if (ExitCode == AgentExitCodes.Failed && OperatingSystem.IsWindows())
        {
            ReportFailureToServiceControlManager();
        }

        application.StopApplication();
    }

    /// <summary>
    /// A service that stops with a non-zero exit code is restarted by its recovery actions, as after a crash, because the
    /// installer turns them on for such stops (<c>sc.exe failureflag 1</c>). A revoked agent stops with 0 and stays
    /// stopped: only a new enrollment helps it.
    /// </summary>
    [SupportedOSPlatform("windows")]
    private void ReportFailureToServiceControlManager()
    {
        if (lifetime is ServiceBase service)
        {
            service.ExitCode = ExitCode;
        }
    }
}
