using System.Text.Json;
using Shouldly;
using VpnPortal.Agent.Hosting;
using VpnPortal.Agent.Runtime;
using VpnPortal.Agent.Simulation;
using VpnPortal.Agent.Tests.Windows;
using VpnPortal.Agent.Windows;
using VpnPortal.Contracts.Agents;
using Xunit;

namespace VpnPortal.Agent.Tests.Runtime;

/// <summary>
/// An import-pfx carries a private key and its password: through the whole agent (poll, run, record, post) neither may
/// reach the log, the state directory or the result the portal gets, whether the import works or fails.
/// </summary>
public sealed partial class AgentRunnerTests
{
    private const string WrongPassword = "Not-The-Password-42%";

    [Theory]
    [InlineData("simulated RRAS")]
    [InlineData("Windows NPS")]
    public async Task ImportPfx_ThroughTheRunner_LeavesThePasswordAndKeyInNoLogStateOrResult(string host)
    {
        using var state = new TemporaryDirectory();
        using var next = TestPfx.ServerCertificate();
        using var other = TestPfx.ServerCertificate("other.corp.example");
        var pfx = Convert.ToBase64String(TestPfx.Export(TestPfx.Password, next));
        var otherPfx = Convert.ToBase64String(TestPfx.Export(TestPfx.Password, other));
        var commands = new[]
        {
            ImportPfx(new ImportPfxPayload { Pfx = pfx, Password = TestPfx.Password, Sha1Thumbprint = next.Thumbprint }),
            ImportPfx(new ImportPfxPayload { Pfx = pfx, Password = WrongPassword, Sha1Thumbprint = next.Thumbprint }),
            ImportPfx(new ImportPfxPayload { Pfx = otherPfx, Password = TestPfx.Password, Sha1Thumbprint = next.Thumbprint }),
            ImportPfx(new ImportPfxPayload { Pfx = pfx, Password = TestPfx.Password, Sha1Thumbprint = next.Thumbprint }),
        };

        await using (new RunningAgent(Runner(new FileAgentStateStore(state.Path), PfxHost(host))))
        {
            foreach (var command in commands)
            {
                _portal.Queue(command);
            }

            await TestPortal.WaitUntilAsync(() => _portal.CommandResults.Count == commands.Length, "every import is answered");
        }

        var results = _portal.CommandResults.OrderBy(r => Array.FindIndex(commands, c => c.Id == r.Id)).Select(r => r.Result).ToList();
        results.Select(r => r.Outcome).ShouldBe([CommandOutcome.Succeeded, CommandOutcome.Failed, CommandOutcome.Failed, CommandOutcome.Succeeded]);
        var answered = string.Join("\n", results.Select(r => r.Message));
        var written = string.Join("\n", Directory.GetFiles(state.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllText));

        // What was looked in holds the commands: the runner logged them and recorded them in its state file.
        _log.All.ShouldContain(commands[1].Id.ToString());
        written.ShouldContain(commands[1].Id.ToString());
        foreach (var secret in new[] { TestPfx.Password, WrongPassword, Middle(pfx), Middle(otherPfx) })
        {
            _log.All.ShouldNotContain(secret);
            written.ShouldNotContain(secret);
            answered.ShouldNotContain(secret);
        }
    }

    private IServerHost PfxHost(string kind)
    {
        if (kind == "simulated RRAS")
        {
            return new SimulatedRrasServer("RRAS-SIM-01", new SimulationOptions { Seed = 3, TargetSessions = 5 }, _time);
        }

        var registry = new FakeRegistry();
        return new WindowsServerHost(
            AgentRole.Nps,
            new WindowsHostTools
            {
                PowerShell = new RecordedPowerShell(),
                Netsh = new RecordedNetsh(""),
                Registry = registry,
                Stores = new FakeStores(registry),
                FileVersion = _ => null,
                Time = _time,
            },
            "NPS1",
            "nps1.corp.example");
    }

    private AgentCommandMessage ImportPfx(ImportPfxPayload payload) => new()
    {
        Id = Guid.NewGuid(),
        Kind = AgentCommandKinds.ImportPfx,
        Payload = JsonSerializer.SerializeToElement(payload, AgentJson.Options),
        ExecuteBy = _time.GetUtcNow().AddMinutes(10),
    };

    /// <summary>A stretch from the middle of the base64: the start of any PFX looks alike ("MII..."), the middle is its own.</summary>
    private static string Middle(string base64) => base64.Substring(base64.Length / 2, 40);
}
