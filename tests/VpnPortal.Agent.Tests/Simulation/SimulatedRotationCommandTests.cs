using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Agent.Hosting;
using VpnPortal.Agent.Simulation;
using VpnPortal.Agent.Tests.Runtime;
using VpnPortal.Contracts.Agents;
using VpnPortal.Testing;
using Xunit;
using static VpnPortal.Agent.Tests.Simulation.SimulatedRrasServerTests;

namespace VpnPortal.Agent.Tests.Simulation;

/// <summary>The commands of an SSTP certificate rotation on a simulated server: import-pfx, the offload hash, the restart, the listener check.</summary>
public sealed class SimulatedRotationCommandTests : IDisposable
{
    private static readonly TimeSpan Restart = TimeSpan.FromSeconds(30);
    private static readonly SimulationOptions Seeded = new() { Seed = 11, TargetSessions = 200, MeanSessionDuration = TimeSpan.FromHours(1), RemoteAccessRestartDuration = Restart };

    private readonly ReadCountingTimeProvider _clock = new(TestClock.Start);
    private readonly X509Certificate2 _next = TestPfx.ServerCertificate();

    public void Dispose() => _next.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SimulatedRrasServer Server(SimulationOptions? options = null) => new("RRAS-SIM-01", options ?? Seeded, _clock);

    private static CheckSstpListenerPayload Https(string? expected = null) => new() { Port = 443, UseHttps = true, ExpectedSha1Thumbprint = expected };

    private static Task<string> Run(SimulatedServer server, string kind, object? payload = null) => server.ExecuteAsync(Command(kind, payload), Ct);

    private static async Task<string> Fails(SimulatedServer server, string kind, object? payload = null) =>
        (await Should.ThrowAsync<CommandFailedException>(() => Run(server, kind, payload))).Message;

    private async Task<RrasState> Collect(SimulatedRrasServer server) => (await server.CollectAsync(Ct)).Rras!;

    // ------------------------------------------------------------------ import-pfx

    [Fact]
    public async Task ImportPfx_AddsTheCertificateWithItsKeyToMy_AndAgainSucceedsSayingItIsThere()
    {
        var server = Server();
        var payload = TestPfx.Payload(TestPfx.Export(TestPfx.Password, _next), _next.Thumbprint.ToLowerInvariant());

        var message = await Run(server, AgentCommandKinds.ImportPfx, payload);

        message.ShouldStartWith($"Imported certificate {_next.Thumbprint}");
        var reported = (await server.CollectAsync(Ct)).Certificates.Where(c => c.Sha1Thumbprint == _next.Thumbprint).ShouldHaveSingleItem();
        reported.Store.ShouldBe(CertificateStoreKind.My);
        reported.HasPrivateKey.ShouldBeTrue();

        (await Run(server, AgentCommandKinds.ImportPfx, payload)).ShouldContain("already in the Local Computer\\Personal (My) store with its private key; nothing was imported");
        server.Thumbprints(CertificateStoreKind.My).Count(t => t == _next.Thumbprint).ShouldBe(1);
    }

    [Fact]
    public async Task ImportPfx_OverThePublicPartAlreadyInMy_AddsTheKey()
    {
        var server = Server();
        using var publicOnly = TestPfx.PublicOnly(_next);
        server.InstallCertificate(publicOnly, CertificateStoreKind.My);

        (await Run(server, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, _next), _next.Thumbprint))).ShouldStartWith("Imported");

        (await server.CollectAsync(Ct)).Certificates.Where(c => c.Sha1Thumbprint == _next.Thumbprint).ShouldHaveSingleItem().HasPrivateKey.ShouldBeTrue();
    }

    [Fact]
    public async Task ImportPfx_WrongPassword_FailsWithoutNamingThePassword_AndImportsNothing()
    {
        var server = Server();

        var message = await Fails(server, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, _next), _next.Thumbprint, password: "Wrong-Horse-8?"));

        message.ShouldContain("the password is wrong");
        message.ShouldContain("Nothing was imported");
        message.ShouldNotContain("Wrong-Horse-8?");
        message.ShouldNotContain(TestPfx.Password);
        server.Thumbprints(CertificateStoreKind.My).ShouldNotContain(_next.Thumbprint);
    }

    [Fact]
    public async Task ImportPfx_DamagedOrNotBase64_IsRefused()
    {
        var server = Server();
        var pfx = TestPfx.Export(TestPfx.Password, _next);

        (await Fails(server, AgentCommandKinds.ImportPfx, TestPfx.Payload(pfx[..(pfx.Length / 2)], _next.Thumbprint))).ShouldContain("damaged");
        (await Fails(server, AgentCommandKinds.ImportPfx, new ImportPfxPayload { Pfx = "%%% not base64", Password = TestPfx.Password, Sha1Thumbprint = _next.Thumbprint }))
            .ShouldBe("The PFX is not valid base64; nothing was imported.");
        (await Fails(server, AgentCommandKinds.ImportPfx, TestPfx.Payload(pfx, "1234"))).ShouldContain("is not a SHA-1 thumbprint");
        server.Thumbprints(CertificateStoreKind.My).ShouldNotContain(_next.Thumbprint);
    }

    [Fact]
    public async Task ImportPfx_WithoutTheNamedCertificate_SaysWhatItHolds()
    {
        var server = Server();
        using var other = TestPfx.ServerCertificate("other.corp.example");

        var message = await Fails(server, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, other), _next.Thumbprint));

        message.ShouldBe($"The PFX holds 1 certificate(s): {other.Thumbprint} (other.corp.example); none is {_next.Thumbprint}, so nothing was imported.");
        server.Thumbprints(CertificateStoreKind.My).ShouldNotContain(other.Thumbprint);
    }

    [Fact]
    public async Task ImportPfx_NamedCertificateWithoutItsKey_IsRefused()
    {
        var server = Server();
        using var publicOnly = TestPfx.PublicOnly(_next);

        var message = await Fails(server, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, publicOnly), _next.Thumbprint));

        message.ShouldContain("without its private key");
        server.Thumbprints(CertificateStoreKind.My).ShouldNotContain(_next.Thumbprint);
    }

    [Fact]
    public async Task ImportPfx_CarryingASecondKey_IsRefused()
    {
        var server = Server();
        using var stowaway = TestPfx.ServerCertificate("stowaway.corp.example");

        var message = await Fails(server, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, _next, stowaway), _next.Thumbprint));

        message.ShouldContain("also holds the private key of 1 other certificate(s)");
        server.Thumbprints(CertificateStoreKind.My).ShouldNotContain(_next.Thumbprint);
        server.Thumbprints(CertificateStoreKind.My).ShouldNotContain(stowaway.Thumbprint);
    }

    [Fact]
    public async Task ImportPfx_WithItsChain_ImportsTheNamedCertificateOnly()
    {
        var server = Server();
        using var ca = TestPfx.PublicOnly(server.Certificates.IssuingCa);

        (await Run(server, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, _next, ca), _next.Thumbprint))).ShouldStartWith("Imported");

        server.Thumbprints(CertificateStoreKind.My).ShouldContain(_next.Thumbprint);
        server.Thumbprints(CertificateStoreKind.My).ShouldNotContain(ca.Thumbprint);
    }

    // ------------------------------------------------------------------ set-sstp-offload-hash

    [Fact]
    public async Task SetSstpOffloadHash_ReportsTheHashAsTheAdministrators_AndSettingItAgainChangesNothing()
    {
        var server = Server();
        var hash = SimulatedCertificates.Sha256(_next);

        (await Run(server, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = hash.ToLowerInvariant() }))
            .ShouldBe($"SHA256CertificateHash on RRAS-SIM-01 is now {hash}; SSTP uses it from the next restart of RemoteAccess.");
        (await Collect(server)).Sstp.ShouldBe(new SstpParameters { ListenerPort = 443, UseHttps = true, Sha256CertificateHash = hash, Sha256CertificateHashSetByAdmin = true });

        (await Run(server, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = hash }))
            .ShouldBe($"SHA256CertificateHash on RRAS-SIM-01 is already {hash}; nothing changed.");
    }

    [Fact]
    public async Task SetSstpOffloadHash_Null_RemovesIt_AndTheRestartRecordsSstpsOwnCertificatesHash()
    {
        var server = Server(Seeded with { RemoteAccessRestartDuration = TimeSpan.Zero });
        await Run(server, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = SimulatedCertificates.Sha256(_next) });

        (await Run(server, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = null })).ShouldStartWith("Removed SHA256CertificateHash on RRAS-SIM-01");
        (await Collect(server)).Sstp.Sha256CertificateHash.ShouldBeNull();
        (await Run(server, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = null })).ShouldBe("SHA256CertificateHash was not set on RRAS-SIM-01; nothing to remove.");

        await Run(server, AgentCommandKinds.RestartRemoteAccess);

        (await Collect(server)).Sstp.ShouldBe(new SstpParameters
        {
            ListenerPort = 443,
            UseHttps = true,
            Sha256CertificateHash = SimulatedCertificates.Sha256(server.Certificates.SstpCertificate),
            Sha256CertificateHashSetByAdmin = false,
        });
    }

    [Fact]
    public async Task SetSstpOffloadHash_TheAdministratorsHash_OutlivesARestartAndACertificateChange()
    {
        var server = Server(Seeded with { RemoteAccessRestartDuration = TimeSpan.Zero });
        var hash = SimulatedCertificates.Sha256(_next);
        await Run(server, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = hash });

        await Run(server, AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = server.Certificates.RenewedSstpCertificate.Thumbprint });
        await Run(server, AgentCommandKinds.RestartRemoteAccess);

        (await Collect(server)).Sstp.Sha256CertificateHash.ShouldBe(hash);
    }

    [Theory]
    [InlineData("C3AB8FF13720E8AD9047DD39466B3C8974E592C2")]
    [InlineData("not a hash")]
    public async Task SetSstpOffloadHash_NotASha256Hash_IsRefusedAndChangesNothing(string text)
    {
        var server = Server();
        var before = (await Collect(server)).Sstp;

        (await Fails(server, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = text })).ShouldContain("is not a SHA-256 hash (64 hex digits)");

        (await Collect(server)).Sstp.ShouldBe(before);
    }

    // ------------------------------------------------------------------ restart-remote-access

    [Fact]
    public async Task Restart_AnswersOnlyWhenTheDurationHasPassed_AndTheListenerIsDownMeanwhile()
    {
        var server = Server();

        var restart = Run(server, AgentCommandKinds.RestartRemoteAccess);
        await TestPortal.WaitUntilAsync(() => !server.IsRemoteAccessRunning, "the restart has begun");
        _clock.Advance(Restart - TimeSpan.FromSeconds(1));

        restart.IsCompleted.ShouldBeFalse();
        (await Fails(server, AgentCommandKinds.CheckSstpListener, Https())).ShouldBe(
            "HEAD https://localhost:443/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ got no answer (connection refused: RemoteAccess is restarting): SSTP is not listening on port 443.");

        _clock.Advance(TimeSpan.FromSeconds(1));
        var message = await restart.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        message.ShouldStartWith("RemoteAccess on RRAS-SIM-01 restarted and runs again; 200 VPN session(s) ended with the restart.");
        server.IsRemoteAccessRunning.ShouldBeTrue();
        (await Run(server, AgentCommandKinds.CheckSstpListener, Https())).ShouldContain("answered 401 (Unauthorized)");
    }

    [Fact]
    public async Task Restart_EndsEverySession_NobodyConnectsDuringIt_AndCountersStartAgain()
    {
        var server = Server(Seeded with { RemoteAccessRestartDuration = TimeSpan.FromMinutes(20) });
        server.Connect("quinn.testperson@corp.example");
        (await Collect(server)).Summary.TotalCumulativeConnections.ShouldBeGreaterThan(200);

        var restart = Run(server, AgentCommandKinds.RestartRemoteAccess);
        await TestPortal.WaitUntilAsync(() => !server.IsRemoteAccessRunning, "the restart has begun");

        server.SessionCount.ShouldBe(0);
        Should.Throw<InvalidOperationException>(() => server.Connect("rex.testperson@corp.example")).Message.ShouldContain("is restarting");
        _clock.Advance(TimeSpan.FromMinutes(20));
        await restart.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // Twenty minutes at 200 sessions per hour's mean duration bring about 65 arrivals; none of them happened.
        var rras = await Collect(server);
        rras.Sessions.ShouldBeEmpty();
        rras.Summary.ShouldBe(new ConnectionSummary { TotalConnections = 0, TotalUniqueUsers = 0, TotalBytesIn = 0, TotalBytesOut = 0, MaxConcurrentConnections = 0, TotalCumulativeConnections = 0 });

        _clock.Advance(TimeSpan.FromMinutes(20));
        var later = await Collect(server);
        later.Sessions.ShouldNotBeEmpty("clients connect again once the service runs");
        later.Summary.TotalCumulativeConnections.ShouldBeInRange(later.Sessions.Count, 199, "counted from the restart, not from the first start");
    }

    [Fact]
    public async Task Restart_BindsTheConfiguredCertificateToBothBindings()
    {
        var server = Server(Seeded with { RemoteAccessRestartDuration = TimeSpan.Zero });
        server.DriftSstpBinding();
        (await Collect(server)).SslBindings.Select(b => b.CertificateHash).Distinct().Count().ShouldBe(2);

        var message = await Run(server, AgentCommandKinds.RestartRemoteAccess);

        var sstp = server.Certificates.SstpCertificate.Thumbprint;
        message.ShouldEndWith($"SSTP listens on port 443 over HTTPS with certificate {sstp}, bound to 0.0.0.0:443 and [::]:443.");
        (await Collect(server)).SslBindings.Select(b => (b.IpPort, b.CertificateHash, b.ApplicationId)).ShouldBe(
        [
            ("0.0.0.0:443", sstp, SimulatedRrasServer.SstpApplicationId),
            ("[::]:443", sstp, SimulatedRrasServer.SstpApplicationId),
        ]);
    }

    [Fact]
    public async Task Restart_WithTheConfiguredCertificateGone_RunsButSstpDoesNotListen()
    {
        var server = Server(Seeded with { RemoteAccessRestartDuration = TimeSpan.Zero });
        var sstp = server.Certificates.SstpCertificate.Thumbprint;
        await Run(server, AgentCommandKinds.RemoveCertificate, new RemoveCertificatePayload { Store = CertificateStoreKind.My, Sha1Thumbprint = sstp });

        (await Run(server, AgentCommandKinds.RestartRemoteAccess)).ShouldEndWith($"SSTP is not listening: its certificate {sstp} is not in Local Computer\\Personal.");

        (await Fails(server, AgentCommandKinds.CheckSstpListener, Https())).ShouldContain($"connection refused: SSTP did not start, its certificate {sstp} is not in Local Computer\\Personal");
    }

    [Fact]
    public async Task Restart_AskedForTwice_TheSecondWaitsForTheFirst()
    {
        var server = Server();
        var first = Run(server, AgentCommandKinds.RestartRemoteAccess);
        await TestPortal.WaitUntilAsync(() => !server.IsRemoteAccessRunning, "the restart has begun");
        _clock.Advance(TimeSpan.FromSeconds(10));

        // A command reads the clock under the server's lock as it starts; the timer that ends the restart needs that lock
        // too, so once the clock was read the second command has joined before the first restart can end.
        var reads = _clock.Reads;
        var second = Run(server, AgentCommandKinds.RestartRemoteAccess);
        await TestPortal.WaitUntilAsync(() => _clock.Reads > reads, "the second restart command has started");
        _clock.Advance(Restart - TimeSpan.FromSeconds(10));

        var messages = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        messages[1].ShouldBe(messages[0]);
        server.IsRemoteAccessRunning.ShouldBeTrue();
    }

    [Fact]
    public async Task Restart_WhenTheCommandStopsWaiting_TheServiceStillComesBack()
    {
        var server = Server();
        using var stop = new CancellationTokenSource();
        var restart = server.ExecuteAsync(Command(AgentCommandKinds.RestartRemoteAccess, null), stop.Token);
        await TestPortal.WaitUntilAsync(() => !server.IsRemoteAccessRunning, "the restart has begun");

        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => restart);
        _clock.Advance(Restart);

        server.IsRemoteAccessRunning.ShouldBeTrue();
        (await Run(server, AgentCommandKinds.CheckSstpListener, Https())).ShouldContain("401");
    }

    [Fact]
    public async Task Restart_InstantWithTheFakeClockPortalTestsUse()
    {
        var server = new SimulatedRrasServer("RRAS-SIM-01", Seeded with { RemoteAccessRestartDuration = TimeSpan.Zero }, new FakeTimeProvider(TestClock.Start));

        var restart = Run(server, AgentCommandKinds.RestartRemoteAccess);

        (await restart.WaitAsync(TimeSpan.FromSeconds(10), Ct)).ShouldContain("restarted and runs again");
        server.SessionCount.ShouldBe(0);
    }

    [Fact]
    public async Task Restart_FailedByAFault_LeavesTheServiceAndItsSessionsAlone()
    {
        var server = Server();
        server.FailNextCommands(1, "Service 'Routing and Remote Access (RemoteAccess)' cannot be stopped.", AgentCommandKinds.RestartRemoteAccess);

        (await Fails(server, AgentCommandKinds.RestartRemoteAccess)).ShouldBe("Service 'Routing and Remote Access (RemoteAccess)' cannot be stopped.");

        server.IsRemoteAccessRunning.ShouldBeTrue();
        server.SessionCount.ShouldBe(200);
    }

    [Fact]
    public async Task KeepIpv6BindingThroughNextRestart_ARotationLeavesTheBindingsDifferent_UntilTheRestartAfter()
    {
        var server = Server(Seeded with { RemoteAccessRestartDuration = TimeSpan.Zero });
        var old = server.Certificates.SstpCertificate.Thumbprint;
        server.KeepIpv6BindingThroughNextRestart();

        await Run(server, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, _next), _next.Thumbprint));
        await Run(server, AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = _next.Thumbprint });
        (await Run(server, AgentCommandKinds.RestartRemoteAccess)).ShouldEndWith($"bound to 0.0.0.0:443 ({_next.Thumbprint}); [::]:443 presents {old}.");

        var rras = await Collect(server);
        rras.ConfiguredSstpCertificateSha1.ShouldBe(_next.Thumbprint);
        rras.SslBindings.Select(b => (b.IpPort, b.CertificateHash)).ShouldBe([("0.0.0.0:443", _next.Thumbprint), ("[::]:443", old)]);
        (await Run(server, AgentCommandKinds.CheckSstpListener, Https(_next.Thumbprint))).ShouldContain(_next.Thumbprint);

        await Run(server, AgentCommandKinds.RestartRemoteAccess);
        (await Collect(server)).SslBindings.ShouldAllBe(b => b.CertificateHash == _next.Thumbprint);
    }

    // ------------------------------------------------------------------ check-sstp-listener

    [Fact]
    public async Task CheckListener_Healthy_States401AndThePresentedCertificate()
    {
        var server = Server();
        var sstp = server.Certificates.SstpCertificate.Thumbprint;

        var message = await Run(server, AgentCommandKinds.CheckSstpListener, Https(sstp.ToLowerInvariant()));

        message.ShouldBe($"HEAD https://localhost:443/sra_{{BA195980-CD49-458b-9E23-C84EE0ADCD75}}/ answered 401 (Unauthorized) with certificate {sstp}: SSTP is listening.");
        (await Run(server, AgentCommandKinds.CheckSstpListener, Https())).ShouldBe(message, "no expected certificate accepts any");
    }

    [Fact]
    public async Task CheckListener_AnotherCertificatePresented_FailsNamingBoth()
    {
        var server = Server();

        var message = await Fails(server, AgentCommandKinds.CheckSstpListener, Https(_next.Thumbprint));

        message.ShouldContain($"answered 401 with certificate {server.Certificates.SstpCertificate.Thumbprint}, not {_next.Thumbprint}");
    }

    [Fact]
    public async Task CheckListener_WrongPortOrProtocolOrPayload_Fails()
    {
        var server = Server();

        (await Fails(server, AgentCommandKinds.CheckSstpListener, new CheckSstpListenerPayload { Port = 8443, UseHttps = true })).ShouldContain("connection refused: SSTP listens on port 443");
        (await Fails(server, AgentCommandKinds.CheckSstpListener, new CheckSstpListenerPayload { Port = 443, UseHttps = false })).ShouldContain("the listener expects TLS");
        (await Fails(server, AgentCommandKinds.CheckSstpListener, new CheckSstpListenerPayload { Port = 0, UseHttps = true })).ShouldContain("0 is not a TCP port");
        (await Fails(server, AgentCommandKinds.CheckSstpListener, Https("ABC"))).ShouldContain("is not a SHA-1 thumbprint");
    }

    [Fact]
    public async Task AnswerNextListenerProbes_503ThenHealthyAgain()
    {
        var server = Server();
        server.AnswerNextListenerProbes(2, 503);

        (await Fails(server, AgentCommandKinds.CheckSstpListener, Https())).ShouldContain("answered 503 (ServiceUnavailable) with certificate");
        (await Fails(server, AgentCommandKinds.CheckSstpListener, Https())).ShouldContain("a listening SSTP answers 401");

        (await Run(server, AgentCommandKinds.CheckSstpListener, Https())).ShouldContain("answered 401");
    }

    [Fact]
    public async Task AnswerNextListenerProbes_OnlyCountsProbesThatReachTheListener()
    {
        var server = Server();
        server.AnswerNextListenerProbes(1, 200);
        var restart = Run(server, AgentCommandKinds.RestartRemoteAccess);
        await TestPortal.WaitUntilAsync(() => !server.IsRemoteAccessRunning, "the restart has begun");
        (await Fails(server, AgentCommandKinds.CheckSstpListener, Https())).ShouldContain("RemoteAccess is restarting");
        _clock.Advance(Restart);
        await restart.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        (await Fails(server, AgentCommandKinds.CheckSstpListener, Https())).ShouldContain("answered 200 (OK)");
    }

    [Fact]
    public async Task SetTlsOffload_ReportedAtOnce_ListenerSpeaksHttpFromTheNextRestart()
    {
        var server = Server(Seeded with { RemoteAccessRestartDuration = TimeSpan.Zero });
        var http = new CheckSstpListenerPayload { Port = 443, UseHttps = false };

        server.SetTlsOffload(true);

        (await Collect(server)).Sstp.UseHttps.ShouldBeFalse();
        (await Run(server, AgentCommandKinds.CheckSstpListener, Https())).ShouldContain("401");
        await Run(server, AgentCommandKinds.RestartRemoteAccess);
        (await Run(server, AgentCommandKinds.CheckSstpListener, http)).ShouldBe(
            "HEAD http://localhost:443/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ answered 401 (Unauthorized) over plain HTTP (TLS offloaded): SSTP is listening.");
        (await Fails(server, AgentCommandKinds.CheckSstpListener, Https())).ShouldContain("the TLS handshake failed");
    }

    // ------------------------------------------------------------------ a whole rotation, and NPS

    [Fact]
    public async Task Rotation_ImportSetRestartCheck_EndsWithTheNewCertificateEverywhere()
    {
        var server = Server(Seeded with { RemoteAccessRestartDuration = TimeSpan.Zero });

        await Run(server, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, _next), _next.Thumbprint));
        await Run(server, AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = _next.Thumbprint });
        await Run(server, AgentCommandKinds.RestartRemoteAccess);
        var check = await Run(server, AgentCommandKinds.CheckSstpListener, Https(_next.Thumbprint));

        check.ShouldContain($"answered 401 (Unauthorized) with certificate {_next.Thumbprint}");
        var rras = await Collect(server);
        rras.ConfiguredSstpCertificateSha1.ShouldBe(_next.Thumbprint);
        rras.SslBindings.ShouldAllBe(b => b.CertificateHash == _next.Thumbprint);
        rras.Sstp.Sha256CertificateHash.ShouldBe(SimulatedCertificates.Sha256(_next));
    }

    [Fact]
    public async Task NpsServer_ImportsAPfx_ButRefusesTheSstpCommands()
    {
        var nps = new SimulatedNpsServer("NPS-SIM-01", Seeded, _clock);

        (await Run(nps, AgentCommandKinds.ImportPfx, TestPfx.Payload(TestPfx.Export(TestPfx.Password, _next), _next.Thumbprint))).ShouldStartWith("Imported");
        nps.Thumbprints(CertificateStoreKind.My).ShouldContain(_next.Thumbprint);

        (await Fails(nps, AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload())).ShouldContain("is an NPS server");
        (await Fails(nps, AgentCommandKinds.RestartRemoteAccess)).ShouldContain("is an NPS server");
        (await Fails(nps, AgentCommandKinds.CheckSstpListener, Https())).ShouldContain("is an NPS server");
    }
}
