using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Agent.Hosting;
using VpnPortal.Agent.Runtime;
using VpnPortal.Agent.Simulation;
using VpnPortal.Agent.Tests.Runtime;
using VpnPortal.Contracts.Agents;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Simulation;

public sealed class SimulatedFleetTests
{
    private static readonly AgentRetryOptions FastRetries = new() { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) };

    [Fact]
    public async Task NpsServer_ReportsItsCertificateTheCaInNTAuthAndTheMfaExtension_AndRefusesRrasCommands()
    {
        var server = new SimulatedNpsServer("NPS-SIM-01", new SimulationOptions { Seed = 1 }, new FakeTimeProvider(TestClock.Start));

        var state = await server.CollectAsync(TestContext.Current.CancellationToken);

        state.Rras.ShouldBeNull();
        var mfa = state.Nps.ShouldNotBeNull().MfaExtension;
        mfa.Installed.ShouldBeTrue();
        mfa.CertificateSha1.ShouldBe(server.Certificates.MfaExtensionCertificate.Thumbprint);
        mfa.ClientServicePrincipalEnabled.ShouldBe(true);
        state.Certificates.ShouldContain(c => c.Store == CertificateStoreKind.NTAuth && c.IsCertificateAuthority && c.Sha1Thumbprint == server.Certificates.IssuingCa.Thumbprint);
        state.Certificates.ShouldContain(c => c.Store == CertificateStoreKind.My && c.HasPrivateKey && c.SubjectAlternativeNames.Contains("DNS:nps.corp.example"));
        (await Should.ThrowAsync<CommandFailedException>(() => server.ExecuteAsync(
            SimulatedRrasServerTests.Command(AgentCommandKinds.DisconnectUser, new DisconnectUserPayload { UserName = "anna.adler@corp.example" }), TestContext.Current.CancellationToken)))
            .Message.ShouldContain("is an NPS server");

        server.SetMfaServicePrincipals(clientEnabled: false, connectorEnabled: true);
        (await server.CollectAsync(TestContext.Current.CancellationToken)).Nps!.MfaExtension.ClientServicePrincipalEnabled.ShouldBe(false);
    }

    [Fact]
    public async Task FleetOf500RrasServersWith400Sessions_IsBuiltWithStableNamesAndFullState()
    {
        var fleet = new SimulatedFleet(
            new SimulatedFleetOptions { Portal = new Uri("https://portal.corp.example/"), RrasServers = 500, NpsServers = 2, Simulation = new SimulationOptions { Seed = 5, TargetSessions = 400 } },
            new HttpClient(),
            (_, _, _) => Task.FromResult("unused"),
            NullLoggerFactory.Instance,
            new FakeTimeProvider(TestClock.Start));

        fleet.RrasServers.Select(s => s.MachineName).ShouldBe(Enumerable.Range(1, 500).Select(i => $"RRAS-SIM-{i:D2}"));
        fleet.NpsServers.Select(s => s.MachineName).ShouldBe(["NPS-SIM-01", "NPS-SIM-02"]);
        fleet.Status().Sessions.ShouldBe(500 * 400);

        var states = await Task.WhenAll(fleet.RrasServers.Select(s => s.CollectAsync(TestContext.Current.CancellationToken)));
        states.ShouldAllBe(s => s.Rras!.Sessions.Count == 400 && s.Rras.Summary.TotalConnections == 400);
        states[0].Rras!.RadiusServers.Select(r => r.Address).ShouldBe(["NPS-SIM-01.corp.example", "NPS-SIM-02.corp.example"]);

        // One certificate pool for the whole fleet: the same SSTP certificate everywhere, made once.
        fleet.RrasServers.Select(s => s.Certificates).Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task Fleet_EnrollsEachServerUnderItsOwnIdentity_AndEachReports()
    {
        await using var portal = await TestPortal.StartAsync();
        var roles = new List<AgentRole>();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var fleet = new SimulatedFleet(
            new SimulatedFleetOptions { Portal = portal.Address, RrasServers = 2, NpsServers = 1, Retry = FastRetries, StaggerFirstReport = false, Simulation = new SimulationOptions { Seed = 3, TargetSessions = 10 } },
            http,
            (role, _, _) =>
            {
                lock (roles)
                {
                    roles.Add(role);
                }

                return Task.FromResult(portal.MintToken());
            },
            NullLoggerFactory.Instance);
        var enrolled = new List<string>();

        await fleet.EnrollAsync(a => { lock (enrolled) { enrolled.Add(a.Server.MachineName); } }, TestContext.Current.CancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var run = fleet.RunAsync(stop.Token);
        await TestPortal.WaitUntilAsync(() => portal.Snapshots.Select(s => s.Snapshot.MachineName).Distinct().Count() == 3, "every server has reported");
        await stop.CancelAsync();
        (await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).ShouldBe(0);

        enrolled.Order().ShouldBe(["NPS-SIM-01", "RRAS-SIM-01", "RRAS-SIM-02"]);
        roles.Order().ShouldBe([AgentRole.Rras, AgentRole.Rras, AgentRole.Nps]);
        var snapshots = portal.Snapshots;
        snapshots.GroupBy(s => s.Snapshot.MachineName).Select(g => g.Select(s => s.Credential).Distinct().Single()).Distinct().Count().ShouldBe(3);
        snapshots.Where(s => s.Snapshot.MachineName.StartsWith("NPS", StringComparison.Ordinal)).ShouldAllBe(s => s.Snapshot.Nps != null && s.Snapshot.Rras == null);
        snapshots.Where(s => s.Snapshot.MachineName.StartsWith("RRAS", StringComparison.Ordinal)).ShouldAllBe(s => s.Snapshot.Rras!.Sessions.Count > 0);
    }

    [Fact]
    public async Task ServerThatStopsAnswering_PausesItsAgent_UntilResumed()
    {
        await using var portal = await TestPortal.StartAsync();
        var credential = portal.AddAgent();
        var server = new SimulatedRrasServer("RRAS-SIM-01", new SimulationOptions { Seed = 2, TargetSessions = 5 });
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var runner = new AgentRunner(server, new AgentClient(http, portal.Address, credential, NullLogger.Instance, null, FastRetries), new InMemoryAgentStateStore(),
            new AgentRunnerOptions { ReportInterval = TimeSpan.FromHours(1), MinimumPollSpacing = TimeSpan.Zero }, NullLogger.Instance);
        await using var running = new RunningAgent(runner);
        await TestPortal.WaitUntilAsync(() => portal.Snapshots.Count == 1, "the first snapshot arrives");

        server.StopAnswering();
        await TestPortal.WaitUntilAsync(() => runner.State == AgentRunnerState.Paused, "the agent pauses");
        await TestPortal.WaitUntilAsync(() => portal.PollsInFlight == 0, "the poll open before the outage has ended");
        portal.Queue(SimulatedRrasServerTests.Command(AgentCommandKinds.RefreshReport, null));
        await Task.Delay(400, TestContext.Current.CancellationToken);
        portal.CommandResults.ShouldBeEmpty();
        portal.Snapshots.Count.ShouldBe(1);

        server.ResumeAnswering();

        await TestPortal.WaitUntilAsync(() => portal.CommandResults.Count == 1 && portal.Snapshots.Count == 2, "the command runs and a snapshot follows");
        runner.State.ShouldBe(AgentRunnerState.Running);
    }
}
