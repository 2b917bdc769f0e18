using System.Text;
using System.Text.Json.Nodes;
using Shouldly;
using VpnPortal.Agent.Windows;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Scripts;

/// <summary>
/// Values from the portal reach the cmdlets as the same bytes, whatever PowerShell would make of them as code: each
/// script runs under pwsh through the agent's PowerShellRunner, and the stand-in cmdlet records the bytes it received.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class ScriptInjectionTests : IDisposable
{
    /// <summary>Quotes, a subexpression, variables, backticks, semicolons, a newline and non-ASCII, all in one value.</summary>
    private const string Hostile = "CORP\\o'brien\"; $(Set-Content -Path pwned -Value 1) ${env:PATH} `$x `n;\nexit 7; '' \"\" é";

    private readonly StandInServer server = new();

    public void Dispose() => server.Dispose();

    [Fact]
    public async Task DisconnectUser_HostileUserName_ReachesDisconnectVpnUserByteForByte()
    {
        server.State["Connections"]!.AsArray().Add(Connection(userName: Hostile, address: "10.20.30.99"));

        var output = await server.Runner().RunAsync(RrasScripts.DisconnectUser(Hostile), TestContext.Current.CancellationToken);

        output.Trim().ShouldBe("disconnected 1");
        var calls = server.Calls();
        calls.Select(c => c.Command).ShouldBe(["Import-Module", "Get-RemoteAccessConnectionStatistics", "Disconnect-VpnUser"]);
        calls[^1].Parameters["UserName"].ShouldHaveSingleItem().ShouldBe(Encoding.UTF8.GetBytes(Hostile));
        File.Exists(Path.Combine(server.Directory, "pwned")).ShouldBeFalse();
    }

    [Fact]
    public async Task DisconnectSessions_HostileAddress_ReachesDisconnectVpnUserByteForByte_WithTheHeldAddresses()
    {
        // Addresses travel one per line, so this one has everything but a newline.
        var hostile = Hostile.Replace("\n", " ", StringComparison.Ordinal);
        server.State["Connections"]!.AsArray().Add(Connection(userName: "CORP\\mallory", address: hostile));
        string[] wanted = ["10.20.30.41", hostile, "fd00:20:30::77", "10.99.0.1"];

        var output = await server.Runner().RunAsync(RrasScripts.DisconnectSessions(wanted), TestContext.Current.CancellationToken);

        output.Trim().ShouldBe("disconnected 3 absent 1");
        var disconnect = server.Calls().Single(c => c.Command == "Disconnect-VpnUser");
        disconnect.Parameters["HostIPAddress"].ShouldBe(wanted.Take(3).Select(Encoding.UTF8.GetBytes));
    }

    [Fact]
    public async Task SetSstpCertificate_HostileThumbprint_ReachesTheCertificateProviderByteForByte_AndNothingElseRuns()
    {
        var error = await Should.ThrowAsync<ToolFailedException>(() => server.Runner().RunAsync(RrasScripts.SetSstpCertificate(Hostile), TestContext.Current.CancellationToken));

        error.Message.ShouldContain("Cannot find path 'Cert:\\LocalMachine\\My\\CORP\\o'brien\"; $(Set-Content");
        var calls = server.Calls();
        calls.Select(c => c.Command).ShouldBe(["Import-Module", "Get-Item"]);
        calls[1].Parameters["LiteralPath"].ShouldHaveSingleItem().ShouldBe(Encoding.UTF8.GetBytes("Cert:\\LocalMachine\\My\\" + Hostile));
    }

    private static JsonObject Connection(string userName, string address) => new()
    {
        ["UserName"] = new JsonArray(userName),
        ["HostName"] = "",
        ["ClientIPv4Address"] = address,
        ["ClientIPv6Address"] = "",
        ["ClientExternalAddress"] = "203.0.113.66",
        ["TunnelType"] = "Sstp",
        ["AuthMethod"] = "Eap Peap",
        ["ConnectionType"] = "Vpn",
        ["ConnectionStartTime"] = "2026-11-30T11:00:00Z",
        ["ConnectionDuration"] = 3600,
        ["TotalBytesIn"] = 1,
        ["TotalBytesOut"] = 2,
    };
}
