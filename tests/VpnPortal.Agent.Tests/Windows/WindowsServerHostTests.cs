using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Agent.Hosting;
using VpnPortal.Agent.Parsing;
using VpnPortal.Agent.Windows;
using VpnPortal.Contracts.Agents;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Windows;

public sealed partial class WindowsServerHostTests : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private static readonly byte[] OffloadHash = Convert.FromHexString("C3AB8FF13720E8AD9047DD39466B3C8974E592C2FA383D4A3960714CAEF0C4F2");

    private readonly X509Certificate2 sstpCertificate = TestCertificates.Create("CN=vpn.corp.example", ekus: [ServerAuth]);
    private readonly X509Certificate2 untrustedDevice = TestCertificates.Create("CN=LAPTOP-0042.corp.example", withKey: false);
    private readonly RecordedPowerShell powerShell = new();
    private readonly FakeRegistry registry = new();
    private readonly RecordedListenerProbe listenerProbe = new();
    private readonly FakeStores stores;

    public WindowsServerHostTests()
    {
        stores = new FakeStores(registry);
    }

    public void Dispose()
    {
        sstpCertificate.Dispose();
        untrustedDevice.Dispose();
    }

    private static string CollectOutput(string sessions, string summary, string radius, string sstpThumbprint) =>
        $"##vpnportal:section sessions\r\n{sessions}\r\n##vpnportal:section summary\r\n{summary}\r\n##vpnportal:section radius\r\n{radius}\r\n##vpnportal:section sstpcertificate\r\n{sstpThumbprint}\r\n";

    private WindowsServerHost Host(AgentRole role, string netsh = "sslcert-2022-sstp-sni-ccs.txt", TimeSpan? probe = null) => new(
        role,
        new WindowsHostTools
        {
            PowerShell = powerShell,
            Netsh = new RecordedNetsh(Samples.Read(netsh)),
            Registry = registry,
            Stores = stores,
            FileVersion = path => path.EndsWith("MfaNpsAuthzExt.dll", StringComparison.Ordinal) ? "1.2.2216.1" : null,
            Time = probe is null ? new FakeTimeProvider(DateTimeOffset.UtcNow) : TimeProvider.System,
            StoreProbeInterval = probe ?? TimeSpan.FromSeconds(5),
            SessionProbeInterval = probe ?? TimeSpan.FromSeconds(15),
            ListenerProbe = listenerProbe,
        },
        "VPN1",
        "vpn1.corp.example");

    private void RecordRras()
    {
        powerShell.Answer(Scripts.Collect, CollectOutput(
            Samples.Read("sessions-ps51-many.json"), Samples.Read("summary-ps51.json"), Samples.Read("radius-ps51.json"), sstpCertificate.Thumbprint.ToLowerInvariant()));
        registry.Set(RrasRegistry.SstpParametersKey, "ListenerPort", 443)
            .Set(RrasRegistry.SstpParametersKey, "UseHttps", 0)
            .Set(RrasRegistry.SstpParametersKey, "SHA256CertificateHash", OffloadHash)
            .Set(RrasRegistry.SstpParametersKey, "isHashConfiguredByAdmin", 1)
            .Set(RrasRegistry.Ikev2Key, "EnableServerFragmentation", 1);
        stores.With(CertificateStoreKind.My, sstpCertificate).With(CertificateStoreKind.Disallowed, untrustedDevice);
    }

    private static AgentCommandMessage Command(string kind, object? payload) => TestCommands.Create(kind, payload, DateTimeOffset.UtcNow.AddMinutes(5));

    [Fact]
    public async Task Collect_Rras_MapsScriptNetshRegistryAndStores()
    {
        RecordRras();

        var state = await Host(AgentRole.Rras).CollectAsync(TestContext.Current.CancellationToken);

        state.Nps.ShouldBeNull();
        var rras = state.Rras.ShouldNotBeNull();
        rras.Sessions.Select(s => s.UserNames[0]).ShouldBe(["alice@corp.example", "LAPTOP-0042.corp.example"]);
        rras.Summary.TotalConnections.ShouldBe(3);
        rras.RadiusServers.Select(r => r.Address).ShouldBe(["nps1.corp.example", "nps2.corp.example"]);
        rras.ConfiguredSstpCertificateSha1.ShouldBe(sstpCertificate.Thumbprint);
        rras.SslBindings.Select(b => b.IpPort).ShouldBe(["0.0.0.0:443", "[::]:443"]);
        rras.Sstp.ShouldBe(new SstpParameters { ListenerPort = 443, UseHttps = false, Sha256CertificateHash = Convert.ToHexString(OffloadHash), Sha256CertificateHashSetByAdmin = true });
        rras.Ikev2FragmentationEnabled.ShouldBe(true);
        state.Certificates.Select(c => (c.Store, c.Sha1Thumbprint, c.HasPrivateKey)).ShouldBe(
        [
            (CertificateStoreKind.My, sstpCertificate.Thumbprint, true),
            (CertificateStoreKind.Disallowed, untrustedDevice.Thumbprint, false),
        ]);
    }

    [Fact]
    public async Task Collect_MalformedCertificatesInTheStores_ReportsThemWithWhatCannotBeReadAndTheRestIntact()
    {
        RecordRras();
        using var brokenDevice = MalformedCertificates.WithBrokenSubjectAlternativeName("CN=LAPTOP-0666.corp.example");
        using var brokenServer = MalformedCertificates.WithBrokenUsages("CN=vpn-old.corp.example");
        stores.With(CertificateStoreKind.Disallowed, brokenDevice).With(CertificateStoreKind.My, brokenServer);

        var state = await Host(AgentRole.Rras).CollectAsync(TestContext.Current.CancellationToken);

        state.Rras!.Sessions.ShouldNotBeEmpty();
        var reported = state.Certificates.ToDictionary(c => c.Sha1Thumbprint);
        reported.Keys.ShouldBe([sstpCertificate.Thumbprint, brokenServer.Thumbprint, untrustedDevice.Thumbprint, brokenDevice.Thumbprint], ignoreOrder: true);
        reported[sstpCertificate.Thumbprint].ReadProblems.ShouldBeEmpty();
        reported[sstpCertificate.Thumbprint].EnhancedKeyUsages.ShouldBe([ServerAuth]);
        reported[untrustedDevice.Thumbprint].ReadProblems.ShouldBeEmpty();

        var device = reported[brokenDevice.Thumbprint];
        device.ReadProblems.ShouldHaveSingleItem().ShouldStartWith("subject alternative names unreadable: ");
        (device.Store, device.Subject, device.SubjectAlternativeNames.Count, device.EnhancedKeyUsages.Single()).ShouldBe((CertificateStoreKind.Disallowed, "CN=LAPTOP-0666.corp.example", 0, ServerAuth));
        device.CrlDistributionPoints.ShouldBe(["http://pki.corp.example/crl/issuing.crl"]);

        var server = reported[brokenServer.Thumbprint];
        server.ReadProblems.Select(p => p[..p.IndexOf(':', StringComparison.Ordinal)]).ShouldBe(["basic constraints unreadable", "enhanced key usages unreadable"], ignoreOrder: true);
        (server.Store, server.HasPrivateKey, server.SubjectAlternativeNames.Single(), server.KeySize).ShouldBe((CertificateStoreKind.My, true, "DNS:vpn-old.corp.example", 2048));
    }

    [Fact]
    public async Task Collect_ListenerOnAnotherPort_ReportsTheBindingsOfThatPort()
    {
        RecordRras();
        registry.Set(RrasRegistry.SstpParametersKey, "ListenerPort", 8443);

        var state = await Host(AgentRole.Rras, netsh: "sslcert-2019-iis-took-ipv4.txt").CollectAsync(TestContext.Current.CancellationToken);

        state.Rras!.SslBindings.Select(b => b.IpPort).ShouldBe(["10.20.0.15:8443"]);
    }

    [Fact]
    public async Task Collect_NoSessionsNoRadiusNoConfiguredCertificate_ReportsEmptiesAndNull()
    {
        powerShell.Answer(Scripts.Collect, CollectOutput("", Samples.Read("summary-ps51.json"), "[]", ""));
        stores.With(CertificateStoreKind.My, sstpCertificate);

        var rras = (await Host(AgentRole.Rras).CollectAsync(TestContext.Current.CancellationToken)).Rras!;

        rras.Sessions.ShouldBeEmpty();
        rras.RadiusServers.ShouldBeEmpty();
        rras.ConfiguredSstpCertificateSha1.ShouldBeNull();
        rras.Sstp.ShouldBe(new SstpParameters { ListenerPort = 443, UseHttps = true });
        rras.Ikev2FragmentationEnabled.ShouldBeNull();
    }

    [Fact]
    public async Task Collect_ScriptStoppedBeforeTheRadiusSection_NamesTheMissingSection()
    {
        powerShell.Answer(Scripts.Collect, "##vpnportal:section sessions\n[]\n##vpnportal:section summary\n" + Samples.Read("summary-ps51.json"));

        var error = await Should.ThrowAsync<OutputFormatException>(() => Host(AgentRole.Rras).CollectAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldContain("section 'radius' is missing");
    }

    [Fact]
    public async Task Collect_MalformedNetshOutput_FailsWithTheParsersMessage()
    {
        RecordRras();

        var error = await Should.ThrowAsync<OutputFormatException>(() => Host(AgentRole.Rras, netsh: "sslcert-truncated.txt").CollectAsync(TestContext.Current.CancellationToken));

        error.Line.ShouldBe(11);
    }

    [Fact]
    public async Task Collect_Nps_ReportsMyNtAuthAndTheMfaExtension()
    {
        var tenant = Guid.Parse("72f988bf-86f1-41af-91ab-2d7cd011db47");
        using var old = TestCertificates.Create($"CN={tenant}, OU=Microsoft NPS Extension", notBefore: DateTimeOffset.UtcNow.AddYears(-3), notAfter: DateTimeOffset.UtcNow.AddYears(-1));
        using var current = TestCertificates.Create($"CN={tenant}, OU=Microsoft NPS Extension", notAfter: DateTimeOffset.UtcNow.AddYears(2));
        using var otherTenant = TestCertificates.Create($"CN={Guid.NewGuid()}, OU=Microsoft NPS Extension", notAfter: DateTimeOffset.UtcNow.AddYears(3));
        using var ca = TestCertificates.Create("CN=Corp Issuing CA 1", withKey: false);
        stores.With(CertificateStoreKind.My, old).With(CertificateStoreKind.My, current).With(CertificateStoreKind.My, otherTenant);
        registry.Set(MfaExtension.AuthSrvParametersKey, "AuthorizationDLLs", new[] { @"C:\Program Files\Microsoft\AzureMfa\Extensions\MfaNpsAuthzExt.dll" })
            .Set(MfaExtension.AuthSrvParametersKey, "ExtensionDLLs", new[] { @"C:\Program Files\Microsoft\AzureMfa\Extensions\MfaNpsAuthnExt.dll" })
            .Set(MfaExtension.AzureMfaKey, "TENANT_ID", tenant.ToString())
            .Set($@"{LocalMachineCertificateStores.NtAuthKey}\{ca.Thumbprint}", "Blob", SerializedCertificateBlob.Create(ca.RawData));

        var state = await Host(AgentRole.Nps).CollectAsync(TestContext.Current.CancellationToken);

        state.Rras.ShouldBeNull();
        state.Nps!.MfaExtension.ShouldBe(new MfaExtensionReport { Installed = true, Version = "1.2.2216.1", CertificateSha1 = current.Thumbprint });
        state.Certificates.Where(c => c.Store == CertificateStoreKind.NTAuth).Select(c => c.Sha1Thumbprint).ShouldBe([ca.Thumbprint]);
        state.Certificates.Count(c => c.Store == CertificateStoreKind.My).ShouldBe(3);
        powerShell.Ran.ShouldBeEmpty();
    }

    [Fact]
    public async Task Collect_NpsWithoutTheExtension_ReportsNotInstalled()
    {
        registry.Set(MfaExtension.AuthSrvParametersKey, "ExtensionDLLs", new[] { @"C:\Program Files\Other\Ext.dll" });

        var state = await Host(AgentRole.Nps).CollectAsync(TestContext.Current.CancellationToken);

        state.Nps!.MfaExtension.ShouldBe(new MfaExtensionReport { Installed = false });
    }

    [Fact]
    public async Task Collect_NtAuthBlobUnderTheWrongName_IsAnError()
    {
        using var ca = TestCertificates.Create("CN=Corp Issuing CA 1", withKey: false);
        registry.Set($@"{LocalMachineCertificateStores.NtAuthKey}\{new string('A', 40)}", "Blob", SerializedCertificateBlob.Create(ca.RawData));

        var error = await Should.ThrowAsync<OutputFormatException>(() => Host(AgentRole.Nps).CollectAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldContain("does not hash to the key's name");
    }

    [Fact]
    public async Task DisconnectUser_HostileUserName_ReachesTheScriptOnlyAsData()
    {
        const string hostile = "x'; Remove-Item C:\\ -Recurse; '";
        powerShell.Answer(Scripts.Disconnect, "disconnected 1\r\n");

        var message = await Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = hostile }), TestContext.Current.CancellationToken);

        var script = powerShell.Ran.ShouldHaveSingleItem();
        script.Arguments["USERNAME"].ShouldBe(hostile);
        script.Text.ShouldNotContain("Remove-Item");
        script.Text.ShouldContain("$env:VPNPORTAL_ARG_USERNAME");
        message.ShouldBe($"Disconnected {hostile} from VPN1 (1 session(s)).");
    }

    [Fact]
    public async Task DisconnectUser_NotConnectedHere_SucceedsSayingSo()
    {
        powerShell.Answer(Scripts.Disconnect, "not-connected\r\n");

        var message = await Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = "alice@corp.example" }), TestContext.Current.CancellationToken);

        message.ShouldBe("alice@corp.example had no VPN session on VPN1.");
    }

    [Fact]
    public async Task DisconnectSessions_PassesCanonicalAddressesAsData_AndReportsWhatEnded()
    {
        powerShell.Answer(Scripts.DisconnectSessions, "disconnected 1 absent 1\r\n");

        var message = await Host(AgentRole.Rras).ExecuteAsync(
            Command(AgentCommandKinds.DisconnectSessions, new DisconnectSessionsPayload { TunnelAddresses = [" 10.20.0.9 ", "FD00::0009"] }), TestContext.Current.CancellationToken);

        powerShell.Ran.ShouldHaveSingleItem().Arguments["ADDRESSES"].ShouldBe("10.20.0.9\nfd00::9");
        message.ShouldBe("Ended 1 connection(s) on VPN1; 1 had already ended.");
        var bad = await Should.ThrowAsync<CommandFailedException>(() => Host(AgentRole.Rras).ExecuteAsync(
            Command(AgentCommandKinds.DisconnectSessions, new DisconnectSessionsPayload { TunnelAddresses = ["10.0.0.1; Remove-Item C:\\"] }), TestContext.Current.CancellationToken));
        bad.Message.ShouldContain("is not an IPv4 or IPv6 address");
        powerShell.Ran.Count.ShouldBe(1, "a refused address never reaches PowerShell");
    }

    [Fact]
    public async Task DisconnectUser_ScriptFails_IsACommandFailureWithPowerShellsText()
    {
        powerShell.Answer(Scripts.Disconnect, () => throw new ToolFailedException("PowerShell could not disconnect the user (exit code 1): Access is denied."));

        var error = await Should.ThrowAsync<CommandFailedException>(() => Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = "alice@corp.example" }), TestContext.Current.CancellationToken));

        error.Message.ShouldContain("Access is denied.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice\n@corp.example")]
    public async Task DisconnectUser_EmptyOrControlCharacters_IsRefusedWithoutRunningPowerShell(string userName)
    {
        await Should.ThrowAsync<CommandFailedException>(() => Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = userName }), TestContext.Current.CancellationToken));

        powerShell.Ran.ShouldBeEmpty();
    }

    [Fact]
    public async Task DisconnectUser_OnNps_IsRefused()
    {
        var error = await Should.ThrowAsync<CommandFailedException>(() => Host(AgentRole.Nps).ExecuteAsync(Command(AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = "a" }), TestContext.Current.CancellationToken));

        error.Message.ShouldContain("NPS server");
    }

    [Fact]
    public async Task ImportCertificate_MatchingHash_AddsToDisallowed()
    {
        var message = await Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.ImportCertificate, new ImportCertificatePayload
        {
            Store = CertificateStoreKind.Disallowed,
            CertificateDer = Convert.ToBase64String(untrustedDevice.RawData),
            Sha1Thumbprint = untrustedDevice.Thumbprint.ToLowerInvariant(),
        }), TestContext.Current.CancellationToken);

        stores.Thumbprints(CertificateStoreKind.Disallowed).ShouldBe([untrustedDevice.Thumbprint]);
        message.ShouldContain("Untrusted Certificates");
    }

    [Fact]
    public async Task ImportCertificate_HashDiffers_ImportsNothing()
    {
        var error = await Should.ThrowAsync<CommandFailedException>(() => Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.ImportCertificate, new ImportCertificatePayload
        {
            Store = CertificateStoreKind.Disallowed,
            CertificateDer = Convert.ToBase64String(untrustedDevice.RawData),
            Sha1Thumbprint = sstpCertificate.Thumbprint,
        }), TestContext.Current.CancellationToken));

        error.Message.ShouldContain("nothing was imported");
        stores.Thumbprints(CertificateStoreKind.Disallowed).ShouldBeEmpty();
    }

    [Fact]
    public async Task ImportCertificate_PfxWithKey_IsRefusedEvenWhenItsHashMatches()
    {
        var pfx = sstpCertificate.Export(X509ContentType.Pfx);

        var error = await Should.ThrowAsync<CommandFailedException>(() => Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.ImportCertificate, new ImportCertificatePayload
        {
            Store = CertificateStoreKind.Disallowed,
            CertificateDer = Convert.ToBase64String(pfx),
            Sha1Thumbprint = Convert.ToHexString(SHA1.HashData(pfx)),
        }), TestContext.Current.CancellationToken));

        error.Message.ShouldContain("not a single DER certificate");
        stores.Thumbprints(CertificateStoreKind.Disallowed).ShouldBeEmpty();
    }

    /// <summary>Every store but Untrusted Certificates, with what the refusal names; 99 is a number no store has.</summary>
    public static TheoryData<CertificateStoreKind, string> StoresThePortalNeverChanges => new()
    {
        { CertificateStoreKind.Root, "Trusted Root Certification Authorities" },
        { CertificateStoreKind.CA, "Intermediate Certification Authorities" },
        { CertificateStoreKind.NTAuth, "NTAuth" },
        { CertificateStoreKind.My, "Personal" },
        { (CertificateStoreKind)99, "the store '99'" },
    };

    [Theory]
    [MemberData(nameof(StoresThePortalNeverChanges))]
    public async Task ImportCertificate_IntoAnyStoreButUntrusted_IsRefusedAndChangesNothing(CertificateStoreKind store, string named)
    {
        foreach (var role in new[] { AgentRole.Rras, AgentRole.Nps })
        {
            var error = await Should.ThrowAsync<CommandFailedException>(() => Host(role).ExecuteAsync(Command(AgentCommandKinds.ImportCertificate, new ImportCertificatePayload
            {
                Store = store,
                CertificateDer = Convert.ToBase64String(untrustedDevice.RawData),
                Sha1Thumbprint = untrustedDevice.Thumbprint,
            }), TestContext.Current.CancellationToken));

            error.Message.ShouldContain(named);
            error.Message.ShouldContain("Nothing was changed.");
        }

        stores.Added.ShouldBeEmpty();
        stores.Thumbprints(store).ShouldBeEmpty();
        registry.Writes.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(StoresThePortalNeverChanges))]
    public async Task RemoveCertificate_FromAnyStoreButUntrusted_IsRefusedAndLeavesTheCertificate(CertificateStoreKind store, string named)
    {
        stores.With(store, sstpCertificate);

        var error = await Should.ThrowAsync<CommandFailedException>(() => Host(AgentRole.Rras).ExecuteAsync(
            Command(AgentCommandKinds.RemoveCertificate, new RemoveCertificatePayload { Store = store, Sha1Thumbprint = sstpCertificate.Thumbprint }),
            TestContext.Current.CancellationToken));

        error.Message.ShouldContain(named);
        stores.Thumbprints(store).ShouldBe([sstpCertificate.Thumbprint]);
    }

    [Fact]
    public async Task ImportCertificate_NotBase64_IsRefused()
    {
        var error = await Should.ThrowAsync<CommandFailedException>(() => Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.ImportCertificate, new ImportCertificatePayload
        {
            Store = CertificateStoreKind.Disallowed,
            CertificateDer = "not base64 at all!",
            Sha1Thumbprint = untrustedDevice.Thumbprint,
        }), TestContext.Current.CancellationToken));

        error.Message.ShouldContain("base64");
    }

    [Fact]
    public async Task RemoveCertificate_PresentAndAbsent_BothSucceedSayingWhatHappened()
    {
        stores.With(CertificateStoreKind.Disallowed, untrustedDevice);
        var host = Host(AgentRole.Rras);
        var command = Command(AgentCommandKinds.RemoveCertificate, new RemoveCertificatePayload { Store = CertificateStoreKind.Disallowed, Sha1Thumbprint = untrustedDevice.Thumbprint });

        (await host.ExecuteAsync(command, TestContext.Current.CancellationToken)).ShouldStartWith("Removed ");
        (await host.ExecuteAsync(command, TestContext.Current.CancellationToken)).ShouldContain("nothing to remove");
        stores.Thumbprints(CertificateStoreKind.Disallowed).ShouldBeEmpty();
    }

    [Fact]
    public async Task RemoveCertificate_BadThumbprint_IsRefused()
    {
        var error = await Should.ThrowAsync<CommandFailedException>(() => Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.RemoveCertificate, new RemoveCertificatePayload { Store = CertificateStoreKind.Disallowed, Sha1Thumbprint = "1234" }), TestContext.Current.CancellationToken));

        error.Message.ShouldContain("not a SHA-1 thumbprint");
    }

    [Fact]
    public async Task SetSstpCertificate_FitCertificateInPersonal_RunsTheScriptWithTheThumbprintAsData()
    {
        stores.With(CertificateStoreKind.My, sstpCertificate);
        powerShell.Answer(Scripts.SetSstp, "done\r\n");

        var message = await Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = sstpCertificate.Thumbprint.ToLowerInvariant() }), TestContext.Current.CancellationToken);

        var script = powerShell.Ran.ShouldHaveSingleItem();
        script.Arguments["THUMBPRINT"].ShouldBe(sstpCertificate.Thumbprint);
        script.Text.ShouldNotContain(sstpCertificate.Thumbprint);
        message.ShouldContain("restarted");
    }

    [Fact]
    public async Task SetSstpCertificate_NotInPersonal_IsRefusedWithoutRunningPowerShell()
    {
        var error = await Should.ThrowAsync<CommandFailedException>(() => Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = sstpCertificate.Thumbprint }), TestContext.Current.CancellationToken));

        error.Message.ShouldContain("is not in Local Computer\\Personal");
        powerShell.Ran.ShouldBeEmpty();
    }

    [Fact]
    public async Task SetSstpCertificate_WithoutPrivateKeyOrServerAuth_SaysWhyNot()
    {
        using var clientOnly = TestCertificates.Create("CN=client", withKey: false, ekus: ["1.3.6.1.5.5.7.3.2"]);
        stores.With(CertificateStoreKind.My, clientOnly);

        var error = await Should.ThrowAsync<CommandFailedException>(() => Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = clientOnly.Thumbprint }), TestContext.Current.CancellationToken));

        error.Message.ShouldContain("cannot serve SSTP");
        error.Message.ShouldContain("Server Authentication");
        error.Message.ShouldContain("no private key");
        powerShell.Ran.ShouldBeEmpty();
    }

    [Fact]
    public async Task RefreshReport_ReturnsAMessageAndRunsNothing()
    {
        (await Host(AgentRole.Rras).ExecuteAsync(Command(AgentCommandKinds.RefreshReport, null), TestContext.Current.CancellationToken)).ShouldNotBeEmpty();
        powerShell.Ran.ShouldBeEmpty();
    }

    [Fact]
    public async Task Execute_UnknownKindOrMissingPayload_IsACommandFailure()
    {
        var host = Host(AgentRole.Rras);

        (await Should.ThrowAsync<CommandFailedException>(() => host.ExecuteAsync(Command("format-disk", null), TestContext.Current.CancellationToken))).Message.ShouldContain("format-disk");
        (await Should.ThrowAsync<CommandFailedException>(() => host.ExecuteAsync(Command(AgentCommandKinds.DisconnectUser, null), TestContext.Current.CancellationToken))).Message.ShouldContain("without its payload");
        (await Should.ThrowAsync<CommandFailedException>(() => host.ExecuteAsync(Command(AgentCommandKinds.DisconnectUser, new { name = "x" }), TestContext.Current.CancellationToken))).Message.ShouldContain("malformed");
    }

    [Fact]
    public async Task WaitForChange_CertificateAddedToDisallowed_Completes()
    {
        RecordRras();
        powerShell.Answer(Scripts.Count, "3");
        var host = Host(AgentRole.Rras, probe: TimeSpan.FromMilliseconds(20));
        await host.CollectAsync(TestContext.Current.CancellationToken);

        var waiting = host.WaitForChangeAsync(TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        waiting.IsCompleted.ShouldBeFalse();
        using var another = TestCertificates.Create("CN=LAPTOP-0099.corp.example", withKey: false);
        stores.Add(CertificateStoreKind.Disallowed, another);

        await waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task WaitForChange_ConnectionCountChanges_Completes()
    {
        RecordRras();
        var count = "3";
        var reads = 0;
        var probedUnchanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readsBeforeWaiting = int.MaxValue;
        powerShell.Answer(Scripts.Count, () =>
        {
            var answer = count;
            if (Interlocked.Increment(ref reads) > Volatile.Read(ref readsBeforeWaiting) && answer == "3")
            {
                probedUnchanged.TrySetResult();
            }

            return answer;
        });
        var host = Host(AgentRole.Rras, probe: TimeSpan.FromMilliseconds(20));
        await host.CollectAsync(TestContext.Current.CancellationToken);
        Volatile.Write(ref readsBeforeWaiting, Volatile.Read(ref reads));

        var waiting = host.WaitForChangeAsync(TestContext.Current.CancellationToken);
        // The probe has read the count again and found it unchanged (however slowly the machine runs), so the change
        // below is what ends the wait.
        await probedUnchanged.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        waiting.IsCompleted.ShouldBeFalse();
        count = "4";

        await waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task WaitForChange_BeforeAnyCollection_CompletesAtOnce()
    {
        await Host(AgentRole.Nps).WaitForChangeAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task WaitForChange_Cancelled_StopsWaiting()
    {
        RecordRras();
        powerShell.Answer(Scripts.Count, "3");
        var host = Host(AgentRole.Rras, probe: TimeSpan.FromMilliseconds(20));
        await host.CollectAsync(TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        await Should.ThrowAsync<OperationCanceledException>(() => host.WaitForChangeAsync(cancel.Token));
    }

    /// <summary>The names the recorded answers are keyed by.</summary>
    private static class Scripts
    {
        public static readonly PowerShellScript Collect = Agent.Windows.RrasScripts.Collect;
        public static readonly string Count = Agent.Windows.RrasScripts.ConnectionCount.Name;
        public static readonly string Disconnect = Agent.Windows.RrasScripts.DisconnectUser("x").Name;
        public static readonly string DisconnectSessions = Agent.Windows.RrasScripts.DisconnectSessions(["10.0.0.1"]).Name;
        public static readonly string SetSstp = Agent.Windows.RrasScripts.SetSstpCertificate(new string('0', 40)).Name;
        public static readonly string Restart = Agent.Windows.RrasScripts.RestartRemoteAccess(TimeSpan.FromSeconds(1)).Name;
    }
}
