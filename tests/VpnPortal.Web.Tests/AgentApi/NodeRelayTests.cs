using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.AgentApi;

/// <summary>
/// Two portal nodes on one database: a fleet change or a command wake-up on one reaches the other through the node
/// relay, so its open pages and held command polls do not wait for their next read of the database. The same
/// behaviour from each relay: PostgreSQL's LISTEN/NOTIFY, and the signal table SQL Server uses.
/// </summary>
public abstract class NodeRelayTests(string provider)
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AChangeOnOneNode_ReachesThePagesOfTheOther()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(provider);
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
        await using var database = await TestDatabase.CreateMigratedAsync(provider);
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
        await using var database = await TestDatabase.CreateMigratedAsync(provider);
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
        await using var database = await TestDatabase.CreateMigratedAsync(provider);
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

    /// <summary>A node, once it listens: what the other node says from then on reaches it.</summary>
    protected abstract Task<PortalFactory> StartNodeAsync(TestDatabase database);
}

/// <summary>PostgreSQL's LISTEN/NOTIFY, as the portal registers it on PostgreSQL.</summary>
[Trait(TestCategories.Trait, TestCategories.Postgres)]
public sealed class PostgresNodeRelayTests() : NodeRelayTests(TestDatabase.Postgres)
{
    protected override async Task<PortalFactory> StartNodeAsync(TestDatabase database)
    {
        var node = await PortalFactory.StartOnAsync(database);
        await node.Services.GetRequiredService<PostgresNodeRelay>().Listening.WaitAsync(Patience, TestContext.Current.CancellationToken);
        return node;
    }
}

/// <summary>
/// The signal table, on SQLite here (the relay is plain SQL on the portal's context; the portal itself registers it on
/// SQL Server only, where <see cref="SqlServerTableNodeRelayTests"/> runs it as registered).
/// </summary>
public sealed class TableNodeRelayTests() : NodeRelayTests(TestDatabase.Sqlite)
{
    [Fact]
    public async Task ASignalWhoseKeyCameLate_IsStillDelivered_AndEachOnlyOnce()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);
        await using var node = await StartNodeAsync(database);
        var heard = new List<FleetChange>();
        node.Services.GetRequiredService<FleetEvents>().Changed += change =>
        {
            lock (heard)
            {
                heard.Add(change);
            }
        };
        var (early, late) = (Guid.NewGuid(), Guid.NewGuid());

        // Key 50 commits first; key 40, handed out before it, commits after the node has read past it.
        await WriteSignalAsync(database, 50, new FleetChange(FleetChangeKind.ServerReported, early));
        await HeardAsync(heard, 1);
        await WriteSignalAsync(database, 40, new FleetChange(FleetChangeKind.ServerReported, late));
        await HeardAsync(heard, 2);
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        lock (heard)
        {
            heard.ShouldBe([new FleetChange(FleetChangeKind.ServerReported, early), new FleetChange(FleetChangeKind.ServerReported, late)]);
        }
    }

    [Fact]
    public async Task SignalsOlderThanAMinute_AreRemoved_AndNewerOnesKept()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);
        var now = DateTimeOffset.UtcNow;
        await WriteSignalAsync(database, 1, new FleetChange(FleetChangeKind.AgentsChanged), now.AddMinutes(-2));
        await WriteSignalAsync(database, 2, new FleetChange(FleetChangeKind.AgentsChanged), now.AddSeconds(-10));

        await using var node = await StartNodeAsync(database);

        await using var db = database.CreateContext();
        var until = DateTime.UtcNow + Patience;
        while (await db.NodeSignals.AnyAsync(s => s.Id == 1, TestContext.Current.CancellationToken))
        {
            DateTime.UtcNow.ShouldBeLessThan(until, "the relay removes signals older than a minute");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        (await db.NodeSignals.Select(s => s.Id).ToListAsync(TestContext.Current.CancellationToken)).ShouldBe([2L]);
    }

    protected override Task<PortalFactory> StartNodeAsync(TestDatabase database) => StartTableNodeAsync(database, withRelay: true);

    internal static async Task<PortalFactory> StartTableNodeAsync(TestDatabase database, bool withRelay)
    {
        // On SQL Server the portal registers the relay itself; elsewhere the test adds it as the portal would.
        Action<IServiceCollection>? addRelay = withRelay ? AddRelay : null;
        var node = await PortalFactory.StartOnAsync(database, services: addRelay);
        await node.Services.GetRequiredService<TableNodeRelay>().Listening.WaitAsync(Patience, TestContext.Current.CancellationToken);
        return node;
    }

    private static void AddRelay(IServiceCollection services)
    {
        services.AddSingleton<TableNodeRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<TableNodeRelay>());
    }

    private static async Task WriteSignalAsync(TestDatabase database, long id, FleetChange change, DateTimeOffset? at = null)
    {
        await using var db = database.CreateContext();
        db.NodeSignals.Add(new NodeSignal
        {
            Id = id,
            Payload = NodeRelayMessage.Format(new string('e', 32), change, wake: false),
            SentAtUnixMs = (at ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    private static async Task HeardAsync(List<FleetChange> heard, int count)
    {
        var until = DateTime.UtcNow + Patience;
        while (true)
        {
            lock (heard)
            {
                if (heard.Count >= count)
                {
                    return;
                }
            }

            DateTime.UtcNow.ShouldBeLessThan(until, $"the node hears {count} signal(s)");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}

/// <summary>The signal table on SQL Server, registered by the portal itself; runs when VPNPORTAL_TEST_SQLSERVER names a server.</summary>
[Trait(TestCategories.Trait, TestCategories.SqlServer)]
public sealed class SqlServerTableNodeRelayTests() : NodeRelayTests(TestDatabase.SqlServer)
{
    protected override Task<PortalFactory> StartNodeAsync(TestDatabase database) => TableNodeRelayTests.StartTableNodeAsync(database, withRelay: false);
}

/// <summary>The relay's message format, whatever carries it.</summary>
public sealed class NodeRelayMessageTests
{
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
        NodeRelayMessage.Parse(payload, new string('f', 32)).ShouldBeNull();

    [Fact]
    public void AMessage_IsReadBack_AndOnesOwnAreIgnored()
    {
        var server = Guid.NewGuid();
        var payload = $"{new string('a', 32)} 3 {server:N} 1";

        NodeRelayMessage.Parse(payload, new string('f', 32)).ShouldBe((new FleetChange(FleetChangeKind.CommandChanged, server), true));
        NodeRelayMessage.Parse(payload, new string('a', 32)).ShouldBeNull();
    }
}
