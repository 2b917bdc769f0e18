using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.AgentApi;

/// <summary>
/// Two portal nodes on one PostgreSQL database: a fleet change or a command wake-up on one reaches the other through
/// LISTEN/NOTIFY, so its open pages and held command polls do not wait for their next read of the database.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.Postgres)]
public sealed class NodeRelayTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AChangeOnOneNode_ReachesThePagesOfTheOther()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(TestDatabase.Postgres);
        await using var a = await StartNodeAsync(database);
        await using var b = await StartNodeAsync(database);
        var server = Guid.NewGuid();
        var heard = new TaskCompletionSource<FleetChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Services.GetRequiredService<FleetEvents>().Changed += change => heard.TrySetResult(change);

        a.Services.GetRequiredService<FleetEvents>().Publish(new FleetChange(FleetChangeKind.ServerReported, server));

        (await heard.Task.WaitAsync(Patience, TestContext.Current.CancellationToken)).ShouldBe(new FleetChange(FleetChangeKind.ServerReported, server));
    }

    [Fact]
    public async Task ACommandQueuedOnOneNode_WakesThePollHeldOnTheOther()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(TestDatabase.Postgres);
        await using var a = await StartNodeAsync(database);
        await using var b = await StartNodeAsync(database);
        var server = Guid.NewGuid();
        var held = b.Services.GetRequiredService<CommandSignals>().WaitAsync(server);

        a.Services.GetRequiredService<CommandSignals>().Notify(server);

        await held.WaitAsync(Patience, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AnAgentHeldOnOneNode_GetsTheCommandQueuedOnTheOther_WithoutWaitingForItsNextRead()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(TestDatabase.Postgres);
        await using var a = await StartNodeAsync(database);
        await using var b = await StartNodeAsync(database);
        var enrolled = await a.EnrollAsync(ServerRole.Rras, "VPN01");
        // The load balancer sends the agent's next poll to the other node.
        var agent = b.AgentClient(enrolled.Enrollment, enrolled.MachineName);
        var poll = agent.PollAsync(waitSeconds: 25);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        poll.IsCompleted.ShouldBeFalse("with nothing queued the poll is held open");

        var watch = Stopwatch.StartNew();
        var id = await CommandTests.QueueAsync(a, agent.ServerId);
        var batch = await poll;

        batch.Commands.Single().Id.ShouldBe(id);
        // A held poll reads the database again every 5 s of its own accord: sooner than that, the relay woke it.
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4), "the command queued on node A wakes the poll held on node B");
    }

    [Fact]
    public async Task ANodeDoesNotHearItsOwnChangesTwice()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(TestDatabase.Postgres);
        await using var a = await StartNodeAsync(database);
        await using var b = await StartNodeAsync(database);
        var onA = new List<FleetChange>();
        a.Services.GetRequiredService<FleetEvents>().Changed += change =>
        {
            lock (onA)
            {
                onA.Add(change);
            }
        };

        // A's own change, then B's: notifications arrive in the order they were sent, so once A hears B's, an echo of its own has come and gone.
        var fromB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Services.GetRequiredService<FleetEvents>().Changed += change =>
        {
            if (change.Kind == FleetChangeKind.FindingsChanged)
            {
                fromB.TrySetResult();
            }
        };
        var heardOnB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Services.GetRequiredService<FleetEvents>().Changed += change =>
        {
            if (change.Kind == FleetChangeKind.AgentsChanged)
            {
                heardOnB.TrySetResult();
            }
        };
        a.Services.GetRequiredService<FleetEvents>().Publish(new FleetChange(FleetChangeKind.AgentsChanged));
        await heardOnB.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        b.Services.GetRequiredService<FleetEvents>().Publish(new FleetChange(FleetChangeKind.FindingsChanged));
        await fromB.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);

        lock (onA)
        {
            onA.ShouldBe([new FleetChange(FleetChangeKind.AgentsChanged), new FleetChange(FleetChangeKind.FindingsChanged)]);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("0123456789abcdef0123456789abcdef 1 - 2")]
    [InlineData("0123456789abcdef0123456789abcdef 99 - 0")]
    [InlineData("0123456789abcdef0123456789abcdef 1 not-a-guid 0")]
    [InlineData("0123456789abcdef0123456789abcdef -1 - 0")]
    [InlineData("0123456789abcdef0123456789abcdef 1 - 0 extra")]
    [InlineData("short 1 - 0")]
    public void AMessageThatIsNotTheRelays_IsIgnored(string payload) =>
        PostgresNodeRelay.Parse(payload, new string('f', 32)).ShouldBeNull();

    [Fact]
    public void AMessage_IsReadBack_AndOnesOwnAreIgnored()
    {
        var server = Guid.NewGuid();
        var payload = $"{new string('a', 32)} 3 {server:N} 1";

        PostgresNodeRelay.Parse(payload, new string('f', 32)).ShouldBe((new FleetChange(FleetChangeKind.CommandChanged, server), true));
        PostgresNodeRelay.Parse(payload, new string('a', 32)).ShouldBeNull();
    }

    /// <summary>A node, once it listens: what the other node says from then on reaches it.</summary>
    private static async Task<PortalFactory> StartNodeAsync(TestDatabase database)
    {
        var node = await PortalFactory.StartOnAsync(database);
        await node.Services.GetRequiredService<PostgresNodeRelay>().Listening.WaitAsync(Patience, TestContext.Current.CancellationToken);
        return node;
    }
}
