using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Agent.Tests.Windows;
using VpnPortal.Agent.Windows;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Tests.Scripts;

/// <summary>
/// A recorded RRAS server for the agent's scripts to run against under pwsh: the stand-ins of StandIns.ps1 answer from
/// <see cref="State"/> (Recorded/rras-vpn01.json unless a test changes it) and record every call they take.
/// </summary>
internal sealed class StandInServer : IDisposable
{
    public const string DirectoryVariable = "VPNPORTAL_STANDIN_DIR";

    private static readonly string StandIns = Path.Combine(AppContext.BaseDirectory, "Scripts", "StandIns.ps1");

    public StandInServer()
    {
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>When the recorded server's sessions were read.</summary>
    public static DateTimeOffset RecordedAt { get; } = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    public static string RecordedPath { get; } = Path.Combine(AppContext.BaseDirectory, "Scripts", "Recorded", "rras-vpn01.json");

    /// <summary>What the server holds; written for the stand-ins before each script runs.</summary>
    public JsonObject State { get; } = JsonNode.Parse(File.ReadAllText(RecordedPath))!.AsObject();

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "vpnportal-standin", Guid.NewGuid().ToString("N"));

    /// <summary>The agent's own runner, its process runner pointed at pwsh with the stand-ins in front of the script.</summary>
    public PowerShellRunner Runner() => new(new Processes(this), TimeSpan.FromMinutes(2));

    /// <summary>
    /// The agent's Windows host on this server: its PowerShell is <see cref="Runner"/>; netsh, the registry and the stores
    /// are the recorded ones the host's own tests use. Its clock reads the day the server was recorded.
    /// </summary>
    public WindowsServerHost Host(IMachineCertificateStores? stores = null)
    {
        var registry = new FakeRegistry().Set(RrasRegistry.SstpParametersKey, "ListenerPort", 443);
        return new WindowsServerHost(
            AgentRole.Rras,
            new WindowsHostTools
            {
                PowerShell = Runner(),
                Netsh = new RecordedNetsh(Samples.Read("sslcert-2022-sstp-sni-ccs.txt")),
                Registry = registry,
                Stores = stores ?? new FakeStores(registry),
                FileVersion = _ => null,
                Time = new FakeTimeProvider(RecordedAt),
            },
            "VPN01",
            "vpn01.corp.example");
    }

    /// <summary>Every call the stand-ins took, in order, with each parameter's values as the bytes they arrived as.</summary>
    public IReadOnlyList<StandInCall> Calls()
    {
        var path = Path.Combine(Directory, "calls.jsonl");
        if (!File.Exists(path))
        {
            return [];
        }

        return File.ReadAllLines(path).Where(l => l.Length > 0).Select(line =>
        {
            var call = JsonNode.Parse(line)!.AsObject();
            var parameters = call["Parameters"]!.AsObject().ToDictionary(
                p => p.Key,
                p => (IReadOnlyList<byte[]>)p.Value!.AsArray().Select(v => Convert.FromBase64String(v!.GetValue<string>())).ToList());
            return new StandInCall(call["Command"]!.GetValue<string>(), parameters);
        }).ToList();
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>
    /// Takes what <see cref="PowerShellRunner"/> would start as powershell.exe and starts it under pwsh unchanged (the same
    /// switches, the same environment with the VPNPORTAL_ARG_* values, the same encoded prologue and script), with one line
    /// put in front of the script: the stand-ins, dot-sourced.
    /// </summary>
    private sealed class Processes(StandInServer server) : IProcessRunner
    {
        public async Task<ProcessOutcome> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
        {
            spec.FileName.ShouldBe("powershell.exe");
            spec.Arguments.Take(5).ShouldBe(["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand"]);
            var script = Encoding.Unicode.GetString(Convert.FromBase64String(spec.Arguments[5]));
            script.ShouldStartWith(PowerShellRunner.Prologue);

            File.WriteAllText(Path.Combine(server.Directory, "server.json"), server.State.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            var environment = new Dictionary<string, string>(spec.Environment) { [DirectoryVariable] = server.Directory };
            foreach (var (name, value) in Pwsh.QuietEnvironment)
            {
                environment[name] = value;
            }

            var withStandIns = $". '{StandIns.Replace("'", "''", StringComparison.Ordinal)}'\n{script}";
            return await new ProcessRunner().RunAsync(
                spec with
                {
                    FileName = Pwsh.Dotnet,
                    Arguments = [await Pwsh.RequireAsync(), .. spec.Arguments.Take(5), PowerShellRunner.Encode(withStandIns)],
                    Environment = environment,
                },
                cancellationToken);
        }
    }
}

/// <summary>One call a stand-in took: the command and, by parameter name, the values it received.</summary>
internal sealed record StandInCall(string Command, IReadOnlyDictionary<string, IReadOnlyList<byte[]>> Parameters)
{
    /// <summary>A parameter's values as UTF-8 text.</summary>
    public IReadOnlyList<string> Text(string parameter) => Parameters[parameter].Select(b => Encoding.UTF8.GetString(b)).ToList();

    public override string ToString() => $"{Command} {string.Join(' ', Parameters.Keys.Select(k => $"-{k} {string.Join(',', Text(k))}"))}";
}
