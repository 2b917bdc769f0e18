using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using VpnPortal.Agent.Runtime;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Simulation;

/// <summary>What a <see cref="SimulatedFleet"/> is made of and how its agents behave.</summary>
public sealed record SimulatedFleetOptions
{
    /// <summary>The RADIUS timeout a new RRAS installation has.</summary>
    public const int DefaultRrasRadiusTimeoutSeconds = 5;

    public required Uri Portal { get; init; }

    public int RrasServers { get; init; } = 2;

    public int NpsServers { get; init; } = 1;

    /// <summary>
    /// The number of the first server of each role (RRAS-SIM-01 by default), so that several fleets can report to one
    /// portal side by side without taking each other's names.
    /// </summary>
    public int FirstServerNumber { get; init; } = 1;

    public SimulationOptions Simulation { get; init; } = new();

    /// <summary>Overrides the report interval the portal hands out at enrollment (the CLI's --interval).</summary>
    public TimeSpan? ReportInterval { get; init; }

    public AgentRetryOptions Retry { get; init; } = new();

    /// <summary>How many enrollments run at once: enough to be quick, few enough not to look like an attack.</summary>
    public int EnrollmentConcurrency { get; init; } = 8;

    /// <summary>Stagger first reports over the interval, as a fleet booted at once would not (and must not) report at once.</summary>
    public bool StaggerFirstReport { get; init; } = true;

    /// <summary>
    /// Two misconfigurations found on real fleets, so the diagnostics have something to show: the first RRAS server's
    /// IPv6 SSTP binding left on the old certificate after a renewal, and the second's RADIUS timeout left at RRAS's
    /// default of <see cref="DefaultRrasRadiusTimeoutSeconds"/> s, too short for phone-call MFA (the first server carries
    /// both when it is the only one).
    /// </summary>
    public bool Misconfigurations { get; init; }
}

/// <summary>One simulated server and, once enrolled, the agent that runs it.</summary>
public sealed class SimulatedAgent(SimulatedServer server)
{
    public SimulatedServer Server { get; } = server;

    public IAgentStateStore State { get; } = new InMemoryAgentStateStore();

    public AgentIdentity? Identity { get; internal set; }

    public AgentRunner? Runner { get; internal set; }
}

/// <summary>Counts for a status line.</summary>
public sealed record SimulatedFleetStatus(int Agents, int Running, int Paused, int NotEnrolled, int Stopped, long SnapshotsSent, long SnapshotsFailed, long CommandsHandled, int Sessions);

/// <summary>
/// N RRAS and M NPS servers in one process, each enrolled under its own agent identity and run by its own
/// <see cref="AgentRunner"/>, all over one shared <see cref="HttpClient"/>. Names (RRAS-SIM-01, NPS-SIM-01, ...)
/// are stable, so a fleet started again enrolls the same servers and the portal keeps their history. Nothing here
/// holds a thread per agent: the runners are async loops and the servers move forward when read.
/// </summary>
public sealed class SimulatedFleet
{
    private readonly SimulatedFleetOptions _options;
    private readonly HttpClient _http;
    private readonly Func<AgentRole, string, CancellationToken, Task<string>> _enrollmentTokens;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>
    /// Builds the servers (not yet enrolled). <paramref name="enrollmentTokens"/> mints one enrollment token per server,
    /// given its role and name: the portal passes its own minting in-process, the CLI <see cref="PortalTokenSource"/>.
    /// </summary>
    public SimulatedFleet(
        SimulatedFleetOptions options,
        HttpClient http,
        Func<AgentRole, string, CancellationToken, Task<string>> enrollmentTokens,
        ILoggerFactory loggers,
        TimeProvider? time = null)
    {
        _options = options;
        _http = http;
        _enrollmentTokens = enrollmentTokens;
        _loggers = loggers;
        _time = time ?? TimeProvider.System;
        _logger = loggers.CreateLogger<SimulatedFleet>();

        var npsNames = Enumerable.Range(options.FirstServerNumber, options.NpsServers).Select(i => Name("NPS-SIM", i)).ToList();
        var simulation = options.Simulation with
        {
            RadiusServers = npsNames.Count > 0
                ? npsNames.Select(n => $"{n}.{options.Simulation.Domain}").ToList()
                : options.Simulation.RadiusServers,
        };
        RrasServers = Enumerable.Range(options.FirstServerNumber, options.RrasServers)
            .Select(i => new SimulatedRrasServer(Name("RRAS-SIM", i), simulation, _time))
            .ToList();
        NpsServers = npsNames.Select(n => new SimulatedNpsServer(n, simulation, _time)).ToList();
        if (options.Misconfigurations && RrasServers.Count > 0)
        {
            RrasServers[0].LeaveIpv6BindingOnOldCertificate();
            RrasServers[Math.Min(1, RrasServers.Count - 1)].SetRadiusTimeout(SimulatedFleetOptions.DefaultRrasRadiusTimeoutSeconds);
        }

        Agents = [.. RrasServers.Select(s => new SimulatedAgent(s)), .. NpsServers.Select(s => new SimulatedAgent(s))];
    }

    public IReadOnlyList<SimulatedRrasServer> RrasServers { get; }

    public IReadOnlyList<SimulatedNpsServer> NpsServers { get; }

    public IReadOnlyList<SimulatedAgent> Agents { get; }

    /// <summary>
    /// Mints enrollment tokens through the portal's v1 API (<c>POST /api/v1/enrollment-tokens</c>) with an admin API key:
    /// one for a new server of that name, or, when the portal already has the server (the simulation ran before), one
    /// that replaces its agent.
    /// </summary>
    public static Func<AgentRole, string, CancellationToken, Task<string>> PortalTokenSource(HttpClient http, Uri portal, string adminApiKey)
    {
        var uri = new Uri(portal.AbsoluteUri.EndsWith('/') ? portal : new Uri(portal.AbsoluteUri + "/"), PortalApiRoutes.EnrollmentTokens.TrimStart('/'));
        return async (role, name, cancellationToken) =>
        {
            var (created, status, refusal) = await MintAsync(new CreateEnrollmentTokenRequest { Role = role, ServerName = name, ValidForMinutes = 60 }, cancellationToken);
            if (created is null && status == HttpStatusCode.BadRequest)
            {
                // Most likely the server is in the portal from an earlier run: only a replacement token enrolls it again.
                (created, status, refusal) = await MintAsync(new CreateEnrollmentTokenRequest { ReplaceServer = name, ValidForMinutes = 60 }, cancellationToken);
            }

            return created?.Token ?? throw new InvalidOperationException(
                $"The portal refused to mint an enrollment token ({(int)status} {status}){refusal} for {name}.{(status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " Is the admin API key right?" : "")}");
        };

        async Task<(CreatedEnrollmentToken? Created, HttpStatusCode Status, string Refusal)> MintAsync(CreateEnrollmentTokenRequest body, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body, options: AgentJson.Options) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminApiKey);
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                return (null, response.StatusCode, text.Length > 0 ? ": " + (text.Length > 300 ? text[..300] : text) : "");
            }

            var created = await response.Content.ReadFromJsonAsync<CreatedEnrollmentToken>(AgentJson.Options, cancellationToken)
                ?? throw new InvalidOperationException("The portal answered the enrollment token request with an empty body.");
            return (created, response.StatusCode, "");
        }
    }

    /// <summary>Enrolls every server not yet enrolled; <paramref name="enrolled"/> is called once per server as it succeeds.</summary>
    public async Task EnrollAsync(Action<SimulatedAgent>? enrolled, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(
            Agents.Where(a => a.Runner is null),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.EnrollmentConcurrency), CancellationToken = cancellationToken },
            async (agent, ct) =>
            {
                await EnrollOneAsync(agent, ct);
                enrolled?.Invoke(agent);
            });
    }

    /// <summary>Runs every enrolled agent until cancelled (or until all have stopped); returns how many stopped as not enrolled.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var runners = Agents.Where(a => a.Runner is not null).Select(a => a.Runner!.RunAsync(cancellationToken)).ToList();
        var exitCodes = await Task.WhenAll(runners);
        return exitCodes.Count(c => c == AgentExitCodes.NotEnrolled);
    }

    public SimulatedFleetStatus Status()
    {
        var runners = Agents.Select(a => a.Runner).OfType<AgentRunner>().ToList();
        return new SimulatedFleetStatus(
            Agents.Count,
            runners.Count(r => r.State == AgentRunnerState.Running),
            runners.Count(r => r.State == AgentRunnerState.Paused),
            runners.Count(r => r.State == AgentRunnerState.NotEnrolled),
            runners.Count(r => r.State is AgentRunnerState.Stopped or AgentRunnerState.Failed),
            runners.Sum(r => r.SnapshotsSent),
            runners.Sum(r => r.SnapshotsFailed),
            runners.Sum(r => r.CommandsHandled),
            RrasServers.Sum(s => s.SessionCount));
    }

    private async Task EnrollOneAsync(SimulatedAgent agent, CancellationToken cancellationToken)
    {
        var server = agent.Server;
        var logger = _loggers.CreateLogger($"VpnPortal.Agent.Simulated.{server.MachineName}");
        var token = await _enrollmentTokens(server.Role, server.MachineName, cancellationToken);
        var enrollClient = new AgentClient(_http, _options.Portal, credential: null, logger, _time, _options.Retry);
        var response = await enrollClient.EnrollAsync(
            new EnrollRequest
            {
                Token = token,
                MachineName = server.MachineName,
                HostFqdn = server.HostFqdn,
                AgentVersion = AgentVersion.Current,
                OsVersion = "Microsoft Windows Server 2022 Datacenter 10.0.20348 (simulated)",
            },
            cancellationToken);
        if (response.Role != server.Role)
        {
            throw new InvalidOperationException($"The portal enrolled {server.MachineName} as {response.Role}, but it is a simulated {server.Role} server.");
        }

        var identity = AgentIdentity.From(_options.Portal, server.MachineName, response);
        await agent.State.SaveIdentityAsync(identity, cancellationToken);
        var runnerOptions = AgentRunnerOptions.For(identity) with { StaggerFirstReport = _options.StaggerFirstReport };
        if (_options.ReportInterval is { } interval)
        {
            runnerOptions = runnerOptions with { ReportInterval = interval };
        }

        agent.Identity = identity;
        agent.Runner = new AgentRunner(
            server,
            new AgentClient(_http, _options.Portal, identity.Credential, logger, _time, _options.Retry),
            agent.State,
            runnerOptions,
            logger,
            _time);
        _logger.LogInformation("Enrolled {Machine} as {Role} server {ServerId}", server.MachineName, identity.Role, identity.ServerId);
    }

    /// <summary>RRAS-SIM-01 ... RRAS-SIM-99, RRAS-SIM-100: the first servers keep their names whatever the fleet's size.</summary>
    private static string Name(string prefix, int number) => prefix + "-" + number.ToString("D2", CultureInfo.InvariantCulture);
}
