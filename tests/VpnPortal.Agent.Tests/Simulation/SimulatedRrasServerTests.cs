using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Agent.Hosting;
using VpnPortal.Agent.Simulation;
using VpnPortal.Contracts.Agents;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Simulation;

public sealed partial class SimulatedRrasServerTests
{
    private static readonly SimulationOptions Seeded = new() { Seed = 7, TargetSessions = 200, MeanSessionDuration = TimeSpan.FromHours(1) };

    private readonly FakeTimeProvider _time = new(TestClock.Start);

    [Fact]
    public async Task Sessions_ChurnAroundTheTarget_WithCountersDurationsAndBytesConsistent()
    {
        var server = new SimulatedRrasServer("RRAS-SIM-01", Seeded, _time);
        var bytesSeen = new Dictionary<(string, DateTimeOffset, string), (long In, long Out)>();
        var firstSessions = (await Collect(server)).Sessions.Select(Key).ToHashSet();
        long lastCumulative = 0, lastTotalIn = 0;

        for (var step = 0; step < 36; step++)
        {
            _time.Advance(TimeSpan.FromMinutes(10));
            var now = _time.GetUtcNow();
            var rras = await Collect(server);

            rras.Sessions.Count.ShouldBeInRange(140, 260, $"around the target of 200 at step {step}");
            rras.Summary.TotalConnections.ShouldBe(rras.Sessions.Count);
            rras.Summary.TotalVpnConnections.ShouldBe(rras.Sessions.Count);
            rras.Summary.TotalUniqueUsers.ShouldBe(rras.Sessions.Select(s => s.UserNames[0].ToUpperInvariant()).Distinct().Count());
            rras.Summary.MaxConcurrentConnections.ShouldBeGreaterThanOrEqualTo(rras.Sessions.Count);
            rras.Summary.TotalBytesIn.ShouldBeGreaterThanOrEqualTo(rras.Sessions.Sum(s => s.TotalBytesIn));
            rras.Summary.TotalBytesOut.ShouldBeGreaterThanOrEqualTo(rras.Sessions.Sum(s => s.TotalBytesOut));
            rras.Summary.TotalBytesIn.ShouldBeGreaterThanOrEqualTo(lastTotalIn);
            rras.Summary.TotalCumulativeConnections.ShouldBeGreaterThanOrEqualTo(lastCumulative);
            lastTotalIn = rras.Summary.TotalBytesIn;
            lastCumulative = rras.Summary.TotalCumulativeConnections;
            rras.Sessions.Select(s => s.ClientIpAddresses[0]).ShouldBeUnique();

            foreach (var session in rras.Sessions)
            {
                session.ConnectionStartTime.ShouldBeLessThanOrEqualTo(now);
                session.ConnectionDurationSeconds.ShouldBe((long)(now - session.ConnectionStartTime).TotalSeconds);
                if (bytesSeen.TryGetValue(Key(session), out var before))
                {
                    session.TotalBytesIn.ShouldBeGreaterThanOrEqualTo(before.In);
                    session.TotalBytesOut.ShouldBeGreaterThanOrEqualTo(before.Out);
                }

                bytesSeen[Key(session)] = (session.TotalBytesIn, session.TotalBytesOut);
            }
        }

        var lastSessions = (await Collect(server)).Sessions.Select(Key).ToHashSet();
        lastSessions.Intersect(firstSessions).Count().ShouldBeLessThan(firstSessions.Count / 2, "six mean durations later most sessions are new");
    }

    [Fact]
    public async Task Sessions_LookLikeAlwaysOnVpn_UserTunnelsAndDeviceTunnels()
    {
        var sessions = (await Collect(new SimulatedRrasServer("RRAS-SIM-01", Seeded, _time))).Sessions;

        sessions.ShouldAllBe(s => UserTunnelName().IsMatch(s.UserNames[0]) || DeviceName().IsMatch(s.UserNames[0]));
        var devices = sessions.Where(s => DeviceName().IsMatch(s.UserNames[0])).ToList();
        devices.ShouldNotBeEmpty();
        devices.ShouldAllBe(s => s.TunnelType == ReportedTunnelType.Ikev2 && s.AuthMethod == "MachineCertificate");
        sessions.Where(s => !devices.Contains(s)).Select(s => s.TunnelType).Distinct().Order().ShouldBe([ReportedTunnelType.Sstp, ReportedTunnelType.Ikev2]);
        sessions.ShouldContain(s => s.UserNames[0].StartsWith("CORP\\", StringComparison.Ordinal));
        sessions.ShouldAllBe(s => s.ClientIpAddresses[0].StartsWith("10.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SameSeedNameAndClock_GiveTheSameSessions()
    {
        var first = await Collect(new SimulatedRrasServer("RRAS-SIM-03", Seeded, new FakeTimeProvider(TestClock.Start)));
        var second = await Collect(new SimulatedRrasServer("RRAS-SIM-03", Seeded, new FakeTimeProvider(TestClock.Start)));
        var other = await Collect(new SimulatedRrasServer("RRAS-SIM-04", Seeded, new FakeTimeProvider(TestClock.Start)));

        JsonSerializer.Serialize(second.Sessions, AgentJson.Options).ShouldBe(JsonSerializer.Serialize(first.Sessions, AgentJson.Options));
        other.Sessions.Select(s => s.UserNames[0]).ShouldNotBe(first.Sessions.Select(s => s.UserNames[0]));
    }

    [Fact]
    public async Task Listener_IsHealthyAtStart_BothBindingsOnTheConfiguredCertificate()
    {
        var server = new SimulatedRrasServer("RRAS-SIM-01", Seeded, _time);
        var state = await server.CollectAsync(TestContext.Current.CancellationToken);
        var rras = state.Rras!;
        var sstp = server.Certificates.SstpCertificate;

        rras.SslBindings.Select(b => b.IpPort).ShouldBe(["0.0.0.0:443", "[::]:443"]);
        rras.SslBindings.ShouldAllBe(b => b.CertificateHash == sstp.Thumbprint && b.ApplicationId == SimulatedRrasServer.SstpApplicationId && b.CertificateStoreName == "MY");
        rras.ConfiguredSstpCertificateSha1.ShouldBe(sstp.Thumbprint);
        rras.Sstp.ShouldBe(new SstpParameters { ListenerPort = 443, UseHttps = true, Sha256CertificateHash = SimulatedCertificates.Sha256(sstp) });
        rras.Ikev2FragmentationEnabled.ShouldBe(true);
        rras.RadiusServers.ShouldAllBe(r => r.TimeoutSeconds == 60);
        state.Certificates.ShouldContain(c => c.Store == CertificateStoreKind.My && c.Sha1Thumbprint == sstp.Thumbprint && c.HasPrivateKey && c.SubjectAlternativeNames.Contains("DNS:vpn.corp.example"));
        state.Certificates.ShouldContain(c => c.Store == CertificateStoreKind.Disallowed);
        state.Certificates.Select(c => c.Store).Distinct().Order().ShouldBe([CertificateStoreKind.My, CertificateStoreKind.Disallowed]);
    }

    [Fact]
    public async Task DisconnectUser_EndsThatUsersSessions_AndSaysSoWhenNoneIsConnected()
    {
        var server = new SimulatedRrasServer("RRAS-SIM-01", Seeded, _time);
        server.Connect("quinn.testperson@corp.example");
        server.Connect("quinn.testperson@corp.example", ReportedTunnelType.Ikev2);
        var before = server.SessionCount;

        var message = await server.ExecuteAsync(Command(AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = "Quinn.TestPerson@corp.example" }), TestContext.Current.CancellationToken);

        message.ShouldContain("2 connection(s)");
        server.SessionCount.ShouldBe(before - 2);
        server.ConnectedUserNames().ShouldNotContain("quinn.testperson@corp.example");
        var again = await server.ExecuteAsync(Command(AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = "quinn.testperson@corp.example" }), TestContext.Current.CancellationToken);
        again.ShouldBe("quinn.testperson@corp.example had no VPN session on RRAS-SIM-01.");
        server.SessionCount.ShouldBe(before - 2);
    }

    [Fact]
    public async Task DisconnectSessions_EndsOnlyTheConnectionsHoldingThoseTunnelAddresses()
    {
        var server = new SimulatedRrasServer("RRAS-SIM-01", Seeded, _time);
        server.Connect("sam.testperson@corp.example");
        server.Connect("sam.testperson@corp.example");
        var addresses = server.TunnelAddressesOf("sam.testperson@corp.example");
        addresses.Count.ShouldBe(2);

        var message = await server.ExecuteAsync(
            Command(AgentCommandKinds.DisconnectSessions, new DisconnectSessionsPayload { TunnelAddresses = [addresses[0], "10.99.99.99"] }), TestContext.Current.CancellationToken);

        message.ShouldBe("Ended 1 connection(s) on RRAS-SIM-01; 1 had already ended.");
        server.TunnelAddressesOf("sam.testperson@corp.example").ShouldBe([addresses[1]], "the user's other connection stays up");
        var bad = await Should.ThrowAsync<CommandFailedException>(() => server.ExecuteAsync(
            Command(AgentCommandKinds.DisconnectSessions, new DisconnectSessionsPayload { TunnelAddresses = ["not-an-address"] }), TestContext.Current.CancellationToken));
        bad.Message.ShouldContain("'not-an-address' is not an IPv4 or IPv6 address");
        server.TunnelAddressesOf("sam.testperson@corp.example").Count.ShouldBe(1);
    }

    [Fact]
    public async Task ImportCertificate_AddsToTheStore_OnlyWhenTheThumbprintMatchesTheDer()
    {
        var server = new SimulatedRrasServer("RRAS-SIM-01", Seeded, _time);
        using var device = SelfSigned("CN=LT-1234.corp.example");
        var der = Convert.ToBase64String(device.RawData);

        var mismatch = await Should.ThrowAsync<CommandFailedException>(() => server.ExecuteAsync(
            Command(AgentCommandKinds.ImportCertificate, new ImportCertificatePayload { Store = CertificateStoreKind.Disallowed, CertificateDer = der, Sha1Thumbprint = new string('A', 40) }), TestContext.Current.CancellationToken));
        mismatch.Message.ShouldContain("nothing was imported");
        server.Thumbprints(CertificateStoreKind.Disallowed).ShouldNotContain(device.Thumbprint);

        await server.ExecuteAsync(Command(AgentCommandKinds.ImportCertificate, new ImportCertificatePayload { Store = CertificateStoreKind.Disallowed, CertificateDer = der, Sha1Thumbprint = device.Thumbprint.ToLowerInvariant() }), TestContext.Current.CancellationToken);
        var state = await server.CollectAsync(TestContext.Current.CancellationToken);
        state.Certificates.ShouldContain(c => c.Store == CertificateStoreKind.Disallowed && c.Sha1Thumbprint == device.Thumbprint && !c.HasPrivateKey);

        await server.ExecuteAsync(Command(AgentCommandKinds.RemoveCertificate, new RemoveCertificatePayload { Store = CertificateStoreKind.Disallowed, Sha1Thumbprint = device.Thumbprint }), TestContext.Current.CancellationToken);
        server.Thumbprints(CertificateStoreKind.Disallowed).ShouldNotContain(device.Thumbprint);
        var missing = await Should.ThrowAsync<CommandFailedException>(() => server.ExecuteAsync(
            Command(AgentCommandKinds.RemoveCertificate, new RemoveCertificatePayload { Store = CertificateStoreKind.Disallowed, Sha1Thumbprint = device.Thumbprint }), TestContext.Current.CancellationToken));
        missing.Message.ShouldContain("Cannot find certificate");
    }

    [Fact]
    public async Task SetSstpCertificate_RebindsBothListeners_OnlyToACertificateInMyWithItsKey()
    {
        var server = new SimulatedRrasServer("RRAS-SIM-01", Seeded, _time);
        var renewed = server.Certificates.RenewedSstpCertificate;
        using var publicOnly = SelfSigned("CN=vpn.corp.example");
        await server.ExecuteAsync(Command(AgentCommandKinds.ImportCertificate, new ImportCertificatePayload { Store = CertificateStoreKind.My, CertificateDer = Convert.ToBase64String(publicOnly.RawData), Sha1Thumbprint = publicOnly.Thumbprint }), TestContext.Current.CancellationToken);

        (await Should.ThrowAsync<CommandFailedException>(() => server.ExecuteAsync(Command(AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = publicOnly.Thumbprint }), TestContext.Current.CancellationToken)))
            .Message.ShouldContain("no private key");
        (await Should.ThrowAsync<CommandFailedException>(() => server.ExecuteAsync(Command(AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = new string('B', 40) }), TestContext.Current.CancellationToken)))
            .Message.ShouldContain("is not in Local Computer\\Personal");
        (await server.CollectAsync(TestContext.Current.CancellationToken)).Rras!.ConfiguredSstpCertificateSha1.ShouldBe(server.Certificates.SstpCertificate.Thumbprint);

        await server.ExecuteAsync(Command(AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = renewed.Thumbprint }), TestContext.Current.CancellationToken);

        var rras = (await server.CollectAsync(TestContext.Current.CancellationToken)).Rras!;
        rras.ConfiguredSstpCertificateSha1.ShouldBe(renewed.Thumbprint);
        rras.SslBindings.ShouldAllBe(b => b.CertificateHash == renewed.Thumbprint);
        rras.Sstp.Sha256CertificateHash.ShouldBe(SimulatedCertificates.Sha256(renewed));
    }

    [Fact]
    public async Task FailNextCommands_FailsThatManyOfTheKind_ThenCommandsWorkAgain()
    {
        var server = new SimulatedRrasServer("RRAS-SIM-01", Seeded, _time);
        server.Connect("rex.testperson@corp.example");
        server.Connect("rex.testperson@corp.example");
        server.FailNextCommands(2, "Access is denied.", AgentCommandKinds.DisconnectUser);
        var disconnect = Command(AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = "rex.testperson@corp.example" });

        (await Should.ThrowAsync<CommandFailedException>(() => server.ExecuteAsync(disconnect, TestContext.Current.CancellationToken))).Message.ShouldBe("Access is denied.");
        await server.ExecuteAsync(Command(AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = server.Certificates.SstpCertificate.Thumbprint }), TestContext.Current.CancellationToken);
        (await Should.ThrowAsync<CommandFailedException>(() => server.ExecuteAsync(disconnect, TestContext.Current.CancellationToken))).Message.ShouldBe("Access is denied.");
        server.ConnectedUserNames().Count(n => n == "rex.testperson@corp.example").ShouldBe(2);

        (await server.ExecuteAsync(disconnect, TestContext.Current.CancellationToken)).ShouldContain("2 connection(s)");
    }

    [Fact]
    public async Task StopAnswering_HoldsWaitersUntilResumed_OrUntilTheDurationPassed()
    {
        var server = new SimulatedRrasServer("RRAS-SIM-01", Seeded, _time);
        server.StopAnswering();
        var waiting = server.WaitUntilAnsweringAsync(TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        waiting.IsCompleted.ShouldBeFalse();
        server.IsAnswering.ShouldBeFalse();

        server.ResumeAnswering();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        server.IsAnswering.ShouldBeTrue();

        server.StopAnswering(TimeSpan.FromSeconds(30));
        var resumed = server.WaitUntilAnsweringAsync(TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(29));
        server.IsAnswering.ShouldBeFalse();
        resumed.IsCompleted.ShouldBeFalse();
        _time.Advance(TimeSpan.FromSeconds(1));
        await resumed.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        server.IsAnswering.ShouldBeTrue();
    }

    [Fact]
    public async Task DriftSstpBinding_LeavesTheIpv6BindingOnAnotherCertificate()
    {
        var server = new SimulatedRrasServer("RRAS-SIM-01", Seeded, _time);

        server.DriftSstpBinding();

        var bindings = (await server.CollectAsync(TestContext.Current.CancellationToken)).Rras!.SslBindings;
        bindings.Single(b => b.IpPort == "0.0.0.0:443").CertificateHash.ShouldBe(server.Certificates.SstpCertificate.Thumbprint);
        bindings.Single(b => b.IpPort == "[::]:443").CertificateHash.ShouldNotBe(server.Certificates.SstpCertificate.Thumbprint);
    }

    [Fact]
    public async Task WaitForChange_CompletesWhenAStoreChanges_NotBefore()
    {
        var server = new SimulatedRrasServer("RRAS-SIM-01", Seeded with { SessionChangeCheckInterval = TimeSpan.FromHours(1) }, _time);
        await server.CollectAsync(TestContext.Current.CancellationToken);
        var change = server.WaitForChangeAsync(TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        change.IsCompleted.ShouldBeFalse();

        await server.ExecuteAsync(Command(AgentCommandKinds.RemoveCertificate, new RemoveCertificatePayload { Store = CertificateStoreKind.Disallowed, Sha1Thumbprint = server.Certificates.UntrustedDeviceCertificate.Thumbprint }), TestContext.Current.CancellationToken);

        await change.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task UnknownCommand_FailsWithAMessage()
    {
        var server = new SimulatedRrasServer("RRAS-SIM-01", Seeded, _time);

        (await Should.ThrowAsync<CommandFailedException>(() => server.ExecuteAsync(Command("reboot", null), TestContext.Current.CancellationToken)))
            .Message.ShouldContain("does not know the command 'reboot'");
    }

    internal static AgentCommandMessage Command(string kind, object? payload) => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        Payload = payload is null ? null : JsonSerializer.SerializeToElement(payload, payload.GetType(), AgentJson.Options),
        ExecuteBy = DateTimeOffset.UtcNow.AddMinutes(5),
    };

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        using var withKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(withKey.RawData);
    }

    private async Task<RrasState> Collect(SimulatedRrasServer server) => (await server.CollectAsync(TestContext.Current.CancellationToken)).Rras!;

    private static (string, DateTimeOffset, string) Key(ReportedSession s) => (s.UserNames[0], s.ConnectionStartTime, s.ClientIpAddresses[0]);

    [GeneratedRegex(@"^([a-z]+\.[a-z]+@corp\.example|CORP\\[a-z]+\.[a-z]+)$")]
    private static partial Regex UserTunnelName();

    [GeneratedRegex(@"^(LT|DT)-\d{4}\.corp\.example$")]
    private static partial Regex DeviceName();
}
