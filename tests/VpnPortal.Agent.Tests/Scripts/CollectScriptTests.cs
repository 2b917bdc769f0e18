using System.Text.Json.Nodes;
using Shouldly;
using VpnPortal.Agent.Windows;
using VpnPortal.Contracts.Agents;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Scripts;

/// <summary>
/// The reading scripts run under pwsh as the agent runs them, against stand-ins that answer with the recorded server
/// (Recorded/rras-vpn01.json, shaped as the RemoteAccess CIM classes); the agent's own host and parsers read the output,
/// and what they read must be what was recorded.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class CollectScriptTests : IDisposable
{
    private readonly StandInServer server = new();

    public void Dispose() => server.Dispose();

    [Fact]
    public async Task Collect_RecordedServer_IsReadAsRecorded()
    {
        var state = await server.Host().CollectAsync(TestContext.Current.CancellationToken);

        var rras = state.Rras.ShouldNotBeNull();
        var recorded = server.State;
        var vpn = recorded["Connections"]!.AsArray().Where(c => (string)c!["ConnectionType"]! != "DA").ToList();
        rras.Sessions.Count.ShouldBe(vpn.Count);
        for (var i = 0; i < vpn.Count; i++)
        {
            var expected = vpn[i]!;
            var session = rras.Sessions[i];
            session.UserNames.ShouldBe(expected["UserName"]!.AsArray().Select(u => (string)u!));
            session.HostName.ShouldBe(Blank((string)expected["HostName"]!));
            session.ClientIpAddresses.ShouldBe(new[] { (string)expected["ClientIPv4Address"]!, (string)expected["ClientIPv6Address"]! }.Where(a => a.Length > 0));
            session.ClientExternalAddress.ShouldBe((string)expected["ClientExternalAddress"]!);
            session.TunnelType.ToString().ShouldBe((string)expected["TunnelType"]!, StringCompareShould.IgnoreCase);
            session.AuthMethod.ShouldBe((string)expected["AuthMethod"]!);
            session.ConnectionStartTime.ShouldBe(DateTimeOffset.Parse((string)expected["ConnectionStartTime"]!, System.Globalization.CultureInfo.InvariantCulture));
            session.ConnectionDurationSeconds.ShouldBe((long)expected["ConnectionDuration"]!);
            session.TotalBytesIn.ShouldBe((long)expected["TotalBytesIn"]!);
            session.TotalBytesOut.ShouldBe((long)expected["TotalBytesOut"]!);
        }

        var summary = recorded["Summary"]!;
        rras.Summary.ShouldBe(new ConnectionSummary
        {
            TotalConnections = (int)summary["TotalConnections"]!,
            TotalDaConnections = (int)summary["TotalDAConnections"]!,
            TotalVpnConnections = (int)summary["TotalVpnConnections"]!,
            TotalUniqueUsers = (int)summary["TotalUniqueUsers"]!,
            MaxConcurrentConnections = (int)summary["MaxConcurrentConnections"]!,
            TotalCumulativeConnections = (long)summary["TotalCumulativeConnections"]!,
            TotalBytesIn = (long)summary["TotalBytesIn"]!,
            TotalBytesOut = (long)summary["TotalBytesOut"]!,
        });

        rras.RadiusServers.Select(r => (r.Address, r.Port, r.TimeoutSeconds, r.Priority)).ShouldBe(
            recorded["Radius"]!.AsArray().Where(r => (string)r!["Purpose"]! == "Authentication")
                .Select(r => ((string)r!["ServerName"]!, (int)r["Port"]!, (int)r["Timeout"]!, (int)r["Score"]!)));
        rras.ConfiguredSstpCertificateSha1.ShouldBe(((string)recorded["SslCertificateThumbprint"]!).ToUpperInvariant());
        server.Calls().Select(c => c.Command).ShouldBe(
            ["Import-Module", "Get-RemoteAccessConnectionStatistics", "Get-RemoteAccessConnectionStatisticsSummary", "Get-RemoteAccessRadius", "Get-RemoteAccess"]);
    }

    [Fact]
    public async Task Collect_NoSessionsAndNoSstpCertificate_IsReadAsEmpty()
    {
        server.State["Connections"] = new JsonArray();
        server.State["SslCertificateThumbprint"] = null;

        var rras = (await server.Host().CollectAsync(TestContext.Current.CancellationToken)).Rras.ShouldNotBeNull();

        rras.Sessions.ShouldBeEmpty();
        rras.ConfiguredSstpCertificateSha1.ShouldBeNull();
    }

    [Fact]
    public async Task ConnectionCount_IsTheSummarysTotal()
    {
        var output = await server.Runner().RunAsync(RrasScripts.ConnectionCount, TestContext.Current.CancellationToken);

        output.Trim().ShouldBe(((int)server.State["Summary"]!["TotalConnections"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string? Blank(string text) => text.Length == 0 ? null : text;
}
