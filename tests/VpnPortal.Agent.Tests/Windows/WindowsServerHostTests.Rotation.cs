using System.Security.Cryptography;
using Shouldly;
using VpnPortal.Agent.Hosting;
using VpnPortal.Agent.Windows;
using VpnPortal.Contracts.Agents;
using Xunit;

namespace VpnPortal.Agent.Tests.Windows;

/// <summary>The commands of an SSTP certificate rotation on the Windows host, through recorded tools.</summary>
public sealed partial class WindowsServerHostTests
{
    private static readonly string NextSha256 = Convert.ToHexString(SHA256.HashData("the load balancer's certificate"u8));

    private Task<string> Run(AgentRole role, string kind, object? payload = null) =>
        Host(role).ExecuteAsync(Command(kind, payload), TestContext.Current.CancellationToken);

    private async Task<string> Fails(AgentRole role, string kind, object? payload = null) =>
        (await Should.ThrowAsync<CommandFailedException>(() => Run(role, kind, payload))).Message;

    // ------------------------------------------------------------------ import-pfx

    [Fact]
    public async Task ImportPfx_PutsTheCertificateWithItsKeyIntoPersonal()
    {
        using var next = TestPfx.ServerCertificate();

        var message = await Run(AgentRole.Rras, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, next), next.Thumbprint.ToLowerInvariant()));

        message.ShouldBe($"Imported vpn.corp.example ({next.Thumbprint}) with its private key (not exportable) into Local Computer\\Personal on VPN1.");
        stores.Added.ShouldBe([$"My:{next.Thumbprint}"]);
        stores.Read(CertificateStoreKind.My).ShouldHaveSingleItem().HasPrivateKey.ShouldBeTrue();
    }

    [Fact]
    public async Task ImportPfx_AlreadyThereWithItsKey_SucceedsWithoutAddingItAgain()
    {
        using var next = TestPfx.ServerCertificate();
        stores.With(CertificateStoreKind.My, next);

        var message = await Run(AgentRole.Nps, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, next), next.Thumbprint));

        message.ShouldBe($"{next.Thumbprint} is already in Local Computer\\Personal on VPN1 with its private key; nothing was imported.");
        stores.Added.ShouldBeEmpty();
    }

    [Fact]
    public async Task ImportPfx_ThePublicPartAlreadyThere_IsImportedWithItsKey()
    {
        using var next = TestPfx.ServerCertificate();
        using var publicOnly = TestPfx.PublicOnly(next);
        stores.With(CertificateStoreKind.My, publicOnly);

        (await Run(AgentRole.Rras, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, next), next.Thumbprint))).ShouldStartWith("Imported");

        stores.Added.ShouldBe([$"My:{next.Thumbprint}"]);
        stores.Read(CertificateStoreKind.My).ShouldHaveSingleItem().HasPrivateKey.ShouldBeTrue();
    }

    [Fact]
    public async Task ImportPfx_WrongPassword_IsRefusedWithoutThePasswordAndAddsNothing()
    {
        using var next = TestPfx.ServerCertificate();
        const string wrong = "Wrong-Horse-8?";

        var message = await Fails(AgentRole.Rras, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, next), next.Thumbprint, wrong));

        message.ShouldContain("the password is wrong");
        message.ShouldNotContain(wrong);
        message.ShouldNotContain(TestPfx.Password);
        stores.Thumbprints(CertificateStoreKind.My).ShouldBeEmpty();
    }

    [Fact]
    public async Task ImportPfx_WithoutTheNamedCertificateOrItsKey_IsRefused()
    {
        using var next = TestPfx.ServerCertificate();
        using var other = TestPfx.ServerCertificate("other.corp.example");
        using var publicOnly = TestPfx.PublicOnly(next);

        (await Fails(AgentRole.Rras, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, other), next.Thumbprint))).ShouldContain($"none is {next.Thumbprint}");
        (await Fails(AgentRole.Rras, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, publicOnly), next.Thumbprint))).ShouldContain("without its private key");
        (await Fails(AgentRole.Rras, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, next, other), next.Thumbprint))).ShouldContain("also holds the private key");
        (await Fails(AgentRole.Rras, AgentCommandKinds.ImportPfx, TestPfx.Payload(new byte[PfxImport.MaxPfxBytes + 1], next.Thumbprint))).ShouldContain("bytes");
        stores.Thumbprints(CertificateStoreKind.My).ShouldBeEmpty();
    }

    [Fact]
    public async Task ImportPfx_KeyDoesNotStayWithTheStoredCertificate_IsAFailure()
    {
        using var next = TestPfx.ServerCertificate();
        stores.LosesKeys = true;

        var message = await Fails(AgentRole.Rras, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, next), next.Thumbprint));

        message.ShouldBe($"{next.Thumbprint} was added to Local Computer\\Personal on VPN1, but the store holds it without its private key; SSTP cannot use it.");
    }

    // ------------------------------------------------------------------ set-sstp-offload-hash

    [Fact]
    public async Task SetSstpOffloadHash_WritesTheBinaryHashAndTheAdministratorsFlag_ThenChangesNothingTheSecondTime()
    {
        registry.WithKey(RrasRegistry.SstpParametersKey);

        (await Run(AgentRole.Rras, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = NextSha256.ToLowerInvariant() }))
            .ShouldBe($"SHA256CertificateHash on VPN1 is now {NextSha256}; SSTP uses it from the next restart of RemoteAccess.");

        registry.GetValue(RrasRegistry.SstpParametersKey, "SHA256CertificateHash").ShouldBeOfType<byte[]>().ShouldBe(Convert.FromHexString(NextSha256));
        registry.GetValue(RrasRegistry.SstpParametersKey, "isHashConfiguredByAdmin").ShouldBe(1);
        RrasRegistry.ReadSstp(registry).ShouldBe(new SstpParameters { ListenerPort = 443, UseHttps = true, Sha256CertificateHash = NextSha256, Sha256CertificateHashSetByAdmin = true });
        registry.Writes.ShouldBe(["set SHA256CertificateHash", "set isHashConfiguredByAdmin"]);

        (await Run(AgentRole.Rras, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = NextSha256 })).ShouldContain("is already");
        registry.Writes.Count.ShouldBe(2);
    }

    [Fact]
    public async Task SetSstpOffloadHash_OverSstpsOwnHash_ReplacesItAndFlagsIt()
    {
        registry.Set(RrasRegistry.SstpParametersKey, "SHA256CertificateHash", OffloadHash);

        await Run(AgentRole.Rras, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = Convert.ToHexString(OffloadHash) });

        RrasRegistry.ReadSstp(registry).Sha256CertificateHashSetByAdmin.ShouldBeTrue();
    }

    [Fact]
    public async Task SetSstpOffloadHash_Null_DeletesTheHashAndTheFlag_AndThenHasNothingToRemove()
    {
        registry.Set(RrasRegistry.SstpParametersKey, "SHA256CertificateHash", OffloadHash).Set(RrasRegistry.SstpParametersKey, "isHashConfiguredByAdmin", 1);

        (await Run(AgentRole.Rras, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload())).ShouldStartWith("Removed SHA256CertificateHash on VPN1");

        RrasRegistry.ReadSstp(registry).ShouldBe(new SstpParameters { ListenerPort = 443, UseHttps = true });
        (await Run(AgentRole.Rras, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload())).ShouldBe("SHA256CertificateHash was not set on VPN1; nothing to remove.");
    }

    [Fact]
    public async Task SetSstpOffloadHash_SstpSvcNotInstalled_SaysWhichKeyIsMissing()
    {
        var message = await Fails(AgentRole.Rras, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = NextSha256 });

        message.ShouldBe(@"Could not change HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters on VPN1: HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters does not exist.");
    }

    [Fact]
    public async Task SetSstpOffloadHash_NotAHashOrOnNps_IsRefusedWithoutWriting()
    {
        registry.WithKey(RrasRegistry.SstpParametersKey);

        (await Fails(AgentRole.Rras, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = sstpCertificate.Thumbprint })).ShouldContain("is not a SHA-256 hash");
        (await Fails(AgentRole.Nps, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = NextSha256 })).ShouldContain("NPS server");

        registry.Writes.ShouldBeEmpty();
    }

    // ------------------------------------------------------------------ restart-remote-access

    [Fact]
    public async Task RestartRemoteAccess_RunsRestartServiceAndWaitsForRunning()
    {
        powerShell.Answer(Scripts.Restart, "running\r\n");

        var message = await Run(AgentRole.Rras, AgentCommandKinds.RestartRemoteAccess);

        message.ShouldBe("RemoteAccess on VPN1 restarted and runs again; the VPN sessions it held ended with the restart.");
        var script = powerShell.Ran.ShouldHaveSingleItem();
        script.Text.ShouldContain("Restart-Service -Name RemoteAccess -Force");
        script.Text.ShouldContain("WaitForStatus('Running'");
        script.Arguments.Keys.ShouldBe(["WAITSECONDS"]);
        script.Arguments["WAITSECONDS"].ShouldBe("60");
    }

    [Fact]
    public async Task RestartRemoteAccess_ServiceDoesNotComeBack_IsAFailureWithPowerShellsText()
    {
        powerShell.Answer(Scripts.Restart, () => throw new ToolFailedException("PowerShell could not restart the RemoteAccess service (exit code 1): RemoteAccess is Stopped, not Running, 60 s after it was restarted."));

        (await Fails(AgentRole.Rras, AgentCommandKinds.RestartRemoteAccess)).ShouldContain("RemoteAccess is Stopped, not Running");
    }

    [Fact]
    public async Task RestartRemoteAccess_UnexpectedOutputOrOnNps_IsAFailure()
    {
        powerShell.Answer(Scripts.Restart, "something else");

        (await Fails(AgentRole.Rras, AgentCommandKinds.RestartRemoteAccess)).ShouldContain("answered 'something else' instead of 'running'");
        (await Fails(AgentRole.Nps, AgentCommandKinds.RestartRemoteAccess)).ShouldContain("NPS server");
        powerShell.Ran.Count.ShouldBe(1);
    }

    // ------------------------------------------------------------------ check-sstp-listener

    [Fact]
    public async Task CheckSstpListener_ProbesTheLocalListenerOnThePayloadsPortAndScheme()
    {
        listenerProbe.Answer = SstpProbeAnswer.Answered(401, sstpCertificate.Thumbprint);

        var message = await Run(AgentRole.Rras, AgentCommandKinds.CheckSstpListener, new CheckSstpListenerPayload { Port = 8443, UseHttps = true, ExpectedSha1Thumbprint = sstpCertificate.Thumbprint });

        listenerProbe.Probed.ShouldHaveSingleItem().OriginalString.ShouldBe("https://localhost:8443/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/");
        message.ShouldBe($"HEAD https://localhost:8443/sra_{{BA195980-CD49-458b-9E23-C84EE0ADCD75}}/ answered 401 (Unauthorized) with certificate {sstpCertificate.Thumbprint}: SSTP is listening.");
    }

    [Fact]
    public async Task CheckSstpListener_UnhealthyAnswers_AreFailuresSayingWhatAnswered()
    {
        var https = new CheckSstpListenerPayload { Port = 443, UseHttps = true, ExpectedSha1Thumbprint = sstpCertificate.Thumbprint };

        listenerProbe.Answer = SstpProbeAnswer.Answered(503, sstpCertificate.Thumbprint);
        (await Fails(AgentRole.Rras, AgentCommandKinds.CheckSstpListener, https)).ShouldContain("answered 503 (ServiceUnavailable)");
        listenerProbe.Answer = SstpProbeAnswer.Answered(401, untrustedDevice.Thumbprint);
        (await Fails(AgentRole.Rras, AgentCommandKinds.CheckSstpListener, https)).ShouldContain($"with certificate {untrustedDevice.Thumbprint}, not {sstpCertificate.Thumbprint}");
        listenerProbe.Answer = SstpProbeAnswer.NoAnswer("Connection refused (localhost:443)");
        (await Fails(AgentRole.Rras, AgentCommandKinds.CheckSstpListener, https)).ShouldContain("got no answer (Connection refused (localhost:443))");
    }

    [Fact]
    public async Task CheckSstpListener_BadPayloadOrNps_IsRefusedWithoutProbing()
    {
        (await Fails(AgentRole.Rras, AgentCommandKinds.CheckSstpListener, new CheckSstpListenerPayload { Port = 70000, UseHttps = true })).ShouldContain("70000 is not a TCP port");
        (await Fails(AgentRole.Nps, AgentCommandKinds.CheckSstpListener, new CheckSstpListenerPayload { Port = 443, UseHttps = true })).ShouldContain("NPS server");

        listenerProbe.Probed.ShouldBeEmpty();
    }
}
