using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Agent.Runtime;
using VpnPortal.Contracts.Agents;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Runtime;

public sealed class FileAgentStateStoreTests
{
    private const string Credential = "s3cr3t-Credential-Value-4b1d9e";

    private static readonly AgentIdentity Identity = new(new Uri("https://portal.corp.example/"), Guid.NewGuid(), Guid.NewGuid(), AgentRole.Rras, "RRAS-01", Credential, 30);

    [Fact]
    public async Task Identity_RoundTripsThroughANewStoreOnTheSameDirectory()
    {
        using var directory = new TemporaryDirectory();
        await new FileAgentStateStore(directory.Path).SaveIdentityAsync(Identity, TestContext.Current.CancellationToken);

        var loaded = await new FileAgentStateStore(directory.Path).LoadIdentityAsync(TestContext.Current.CancellationToken);

        loaded.ShouldBe(Identity);
    }

    [Fact]
    public async Task CredentialFile_IsOwnerOnly_InAnOwnerOnlyDirectory_AndLeavesNoTemporaryFiles()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("On Windows the credential is protected with DPAPI instead of file modes.");
            return; // not reached (Assert.Skip throws), but it tells the platform analyzer what follows is not Windows
        }

        using var directory = new TemporaryDirectory();
        var store = new FileAgentStateStore(directory.Path);
        await store.SaveIdentityAsync(Identity, TestContext.Current.CancellationToken);
        await store.SaveLastSequenceAsync(7, TestContext.Current.CancellationToken);

        File.GetUnixFileMode(store.IdentityPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(store.StatePath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(directory.Path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order().ShouldBe([FileAgentStateStore.IdentityFileName, FileAgentStateStore.StateFileName]);
    }

    [Fact]
    public void Identity_ToString_LeavesTheCredentialOut()
    {
        Identity.ToString().ShouldNotContain(Credential);
        Identity.ToString().ShouldContain("RRAS-01");
    }

    [Fact]
    public async Task Credential_NeverAppearsInTheLogs_OfARunThatEndsRevoked()
    {
        await using var portal = await TestPortal.StartAsync();
        var credential = portal.AddAgent();
        using var directory = new TemporaryDirectory();
        var store = new FileAgentStateStore(directory.Path);
        await store.SaveIdentityAsync(Identity with { Portal = portal.Address, Credential = credential }, TestContext.Current.CancellationToken);
        var identity = (await store.LoadIdentityAsync(TestContext.Current.CancellationToken))!;
        var log = new RecordingLogger();
        using var http = new HttpClient();
        var time = new FakeTimeProvider(TestClock.Start);
        var runner = new AgentRunner(new RecordingHost(), new AgentClient(http, identity.Portal, identity.Credential, log, time), store, new AgentRunnerOptions { MinimumPollSpacing = TimeSpan.Zero }, log, time);
        var run = runner.RunAsync(TestContext.Current.CancellationToken);
        await TestPortal.WaitUntilAsync(() => portal.Snapshots.Count == 1, "the first snapshot arrives");

        log.LogInformation("Running {Identity}", identity);
        portal.Revoke(credential);
        (await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).ShouldBe(AgentExitCodes.NotEnrolled);

        log.Lines.Count.ShouldBeGreaterThan(1);
        log.All.ShouldNotContain(credential);
    }

    [Fact]
    public async Task ExecutedCommands_KeepOnlyTheLastThousand()
    {
        // The bound lives in the log both stores share; the in-memory store spares a thousand fsyncs.
        var store = new InMemoryAgentStateStore();
        var ids = Enumerable.Range(0, IAgentStateStore.ExecutedCommandLimit + 5).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            await store.RecordExecutedAsync(Executed(id), TestContext.Current.CancellationToken);
        }

        (await store.FindExecutedAsync(ids[4], TestContext.Current.CancellationToken)).ShouldBeNull();
        (await store.FindExecutedAsync(ids[5], TestContext.Current.CancellationToken)).ShouldNotBeNull();
        (await store.FindExecutedAsync(ids[^1], TestContext.Current.CancellationToken)).ShouldNotBeNull();
    }

    [Fact]
    public async Task ExecutedCommandsAndSequence_SurviveReopeningTheDirectory_AndStartedBecomesFinished()
    {
        using var directory = new TemporaryDirectory();
        var store = new FileAgentStateStore(directory.Path);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        await store.RecordExecutedAsync(Executed(first) with { Outcome = null, Message = null }, TestContext.Current.CancellationToken);
        await store.RecordExecutedAsync(Executed(second), TestContext.Current.CancellationToken);
        await store.RecordExecutedAsync(Executed(first) with { Outcome = CommandOutcome.Failed, Message = "no such user" }, TestContext.Current.CancellationToken);
        await store.SaveLastSequenceAsync(41, TestContext.Current.CancellationToken);

        var reopened = new FileAgentStateStore(directory.Path);

        (await reopened.FindExecutedAsync(first, TestContext.Current.CancellationToken)).ShouldNotBeNull().Message.ShouldBe("no such user");
        (await reopened.FindExecutedAsync(second, TestContext.Current.CancellationToken)).ShouldNotBeNull().Outcome.ShouldBe(CommandOutcome.Succeeded);
        (await reopened.LoadLastSequenceAsync(TestContext.Current.CancellationToken)).ShouldBe(41);
    }

    private static ExecutedCommand Executed(Guid id) => new(id, "disconnect-user", CommandOutcome.Succeeded, "ok", DateTimeOffset.UnixEpoch);
}
