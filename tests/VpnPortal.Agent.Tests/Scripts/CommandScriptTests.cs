using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Shouldly;
using VpnPortal.Agent.Hosting;
using VpnPortal.Agent.Tests.Windows;
using VpnPortal.Contracts.Agents;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Scripts;

/// <summary>
/// The command scripts run under pwsh through the agent's Windows host, against stand-ins that answer with the recorded
/// server and record what they were asked to do.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class CommandScriptTests : IDisposable
{
    private readonly StandInServer server = new();

    public void Dispose() => server.Dispose();

    private static AgentCommandMessage Command(string kind, object? payload = null) => TestCommands.Create(kind, payload, StandInServer.RecordedAt.AddMinutes(5));

    [Fact]
    public async Task DisconnectUser_Connected_EndsTheirSessions()
    {
        var message = await server.Host().ExecuteAsync(Command(AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = "CORP\\zoë.müller" }), TestContext.Current.CancellationToken);

        message.ShouldBe("Disconnected CORP\\zoë.müller from VPN01 (1 session(s)).");
        var disconnect = server.Calls().Single(c => c.Command == "Disconnect-VpnUser");
        disconnect.Text("UserName").ShouldBe(["CORP\\zoë.müller"]);
    }

    [Fact]
    public async Task DisconnectUser_NotConnected_DisconnectsNothing()
    {
        var message = await server.Host().ExecuteAsync(Command(AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = "CORP\\carol" }), TestContext.Current.CancellationToken);

        message.ShouldBe("CORP\\carol had no VPN session on VPN01.");
        server.Calls().ShouldNotContain(c => c.Command == "Disconnect-VpnUser");
    }

    [Fact]
    public async Task SetSstpCertificate_StopsRemoteAccessAroundSetRemoteAccess_AndStartsItAgain()
    {
        using var certificate = SstpCertificate();
        var host = HostWithPersonal(certificate);

        var message = await host.ExecuteAsync(Command(AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = certificate.Thumbprint }), TestContext.Current.CancellationToken);

        message.ShouldStartWith($"RRAS on VPN01 now uses {certificate.Thumbprint} for SSTP.");
        server.Calls().Select(c => c.ToString()).ShouldBe(
        [
            "Import-Module -Name RemoteAccess",
            $"Get-Item -LiteralPath Cert:\\LocalMachine\\My\\{certificate.Thumbprint}",
            "Stop-Service -Name RemoteAccess -Force True",
            $"Set-RemoteAccess -SslCertificate {certificate.Thumbprint}",
            "Start-Service -Name RemoteAccess",
        ]);
    }

    [Fact]
    public async Task SetSstpCertificate_SetRemoteAccessFails_StartsRemoteAccessAgain_AndReportsRrassError()
    {
        using var certificate = SstpCertificate();
        var host = HostWithPersonal(certificate);
        server.State["Failures"] = new JsonObject { ["Set-RemoteAccess"] = "The parameter is incorrect." };

        var error = await Should.ThrowAsync<CommandFailedException>(() => host.ExecuteAsync(
            Command(AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = certificate.Thumbprint }), TestContext.Current.CancellationToken));

        error.Message.ShouldStartWith("PowerShell could not make RRAS use the certificate for SSTP (exit code 1): ");
        error.Message.ShouldContain("The parameter is incorrect.");
        server.Calls().Select(c => c.Command).TakeLast(2).ShouldBe(["Set-RemoteAccess", "Start-Service"]);
    }

    [Fact]
    public async Task RestartRemoteAccess_ServiceComesBack_IsReportedRunning()
    {
        var message = await server.Host().ExecuteAsync(Command(AgentCommandKinds.RestartRemoteAccess), TestContext.Current.CancellationToken);

        message.ShouldBe("RemoteAccess on VPN01 restarted and runs again; the VPN sessions it held ended with the restart.");
        server.Calls().Select(c => c.ToString()).ShouldBe(
        [
            "Restart-Service -Name RemoteAccess -Force True -WarningAction SilentlyContinue",
            "Get-Service -Name RemoteAccess",
        ]);
    }

    [Fact]
    public async Task RestartRemoteAccess_ServiceStuckStarting_FailsWithTheScriptsMessage()
    {
        server.State["Services"]!["RemoteAccess"]!["StatusAfterStart"] = "StartPending";

        var error = await Should.ThrowAsync<CommandFailedException>(() => server.Host().ExecuteAsync(Command(AgentCommandKinds.RestartRemoteAccess), TestContext.Current.CancellationToken));

        error.Message.ShouldContain("RemoteAccess is StartPending, not Running, 60 s after it was restarted.");
    }

    private static X509Certificate2 SstpCertificate() =>
        TestCertificates.Create("CN=vpn.corp.example", ekus: ["1.3.6.1.5.5.7.3.1"], notBefore: StandInServer.RecordedAt.AddDays(-30));

    private IServerHost HostWithPersonal(X509Certificate2 certificate)
    {
        server.State["PersonalThumbprints"] = new JsonArray(certificate.Thumbprint);
        return server.Host(new FakeStores(new FakeRegistry()).With(CertificateStoreKind.My, certificate));
    }
}
