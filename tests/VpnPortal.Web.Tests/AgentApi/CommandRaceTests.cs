using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.AgentApi;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Metrics;
using VpnPortal.Web.Tests.Features;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.AgentApi;

/// <summary>
/// A delivery or a result racing a cancel or an expiry, on the data layer: another connection changes the command
/// between the handler's read and its save, exactly where a second portal node or the expiry job would.
/// </summary>
public sealed class CommandRaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Delivery_CancelledBetweenReadAndSave_CancelWins_AndNothingIsHandedOut(string provider)
    {
        await using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (agent, command) = await SeedAsync(database, AgentCommandStatus.Queued);
        var cancel = new InterleaveOnce(() => CancelAsync(database, command));
        await using var db = new PortalDbContext(database.Options(cancel), null, null);

        var delivered = await Delivery(db).TakeAsync(agent.Id, agent.ServerId, expireFirst: false, Ct);

        cancel.Ran.ShouldBeTrue();
        delivered!.ShouldBeEmpty("the command was cancelled before the delivery was saved");
        var stored = await ReadAsync(database, command);
        stored.Status.ShouldBe(AgentCommandStatus.Cancelled);
        stored.Deliveries.ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Result_ExpiredBetweenReadAndSave_StaysExpired_WithTheLateOutcome(string provider)
    {
        await using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (agent, command) = await SeedAsync(database, AgentCommandStatus.Delivered);
        var expire = new InterleaveOnce(() => ExpireAsync(database, command));
        await using var db = new PortalDbContext(database.Options(expire), null, null);

        var (status, _) = await Delivery(db).RecordResultAsync(
            agent.ServerId, command, new CommandResultRequest { Outcome = CommandOutcome.Succeeded, Message = "done", CompletedAt = DateTimeOffset.UtcNow }, Ct);

        expire.Ran.ShouldBeTrue();
        status.ShouldBe(CommandDelivery.ResultStatus.Recorded);
        var stored = await ReadAsync(database, command);
        stored.Status.ShouldBe(AgentCommandStatus.Expired, "the expiry saved first; a terminal state does not change");
        stored.LateOutcome.ShouldBe(AgentCommandStatus.Succeeded);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task TerminalCommand_CannotBeMovedOutOfItsState_ByAnyTrackedSave(string provider)
    {
        await using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (_, id) = await SeedAsync(database, AgentCommandStatus.Cancelled);
        await using var db = database.CreateContext();
        var command = await db.AgentCommands.SingleAsync(c => c.Id == id, Ct);

        command.Status = AgentCommandStatus.Delivered;

        var refused = await Should.ThrowAsync<TerminalCommandException>(() => db.SaveChangesAsync(Ct));
        refused.Message.ShouldContain("Cancelled");
        (await ReadAsync(database, id)).Status.ShouldBe(AgentCommandStatus.Cancelled);
    }

    private static CommandDelivery Delivery(PortalDbContext db) =>
        new(db, TimeProvider.System, new FleetEvents(), [], new PortalMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()), NullLogger<CommandDelivery>.Instance);

    private static async Task<(Data.Entities.Agent Agent, Guid Command)> SeedAsync(TestDatabase database, AgentCommandStatus status)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = database.CreateContext();
        var fleet = new FleetBuilder(db, now);
        var server = fleet.Rras("VPN01");
        var agent = fleet.AgentFor(server);
        await fleet.SaveAsync(Ct);
        var command = new AgentCommand
        {
            Id = Guid.NewGuid(),
            ServerId = server.Id,
            Kind = AgentCommandKinds.RefreshReport,
            Status = status,
            CreatedAt = now.AddMinutes(-2),
            DeliverBy = now.AddMinutes(10),
            ExecuteBy = now.AddMinutes(15),
            DeliveredAt = status == AgentCommandStatus.Delivered ? now.AddMinutes(-1) : null,
            Deliveries = status == AgentCommandStatus.Delivered ? 1 : 0,
            RequestedBy = "test",
        };
        db.AgentCommands.Add(command);
        await db.SaveChangesAsync(Ct);
        return (agent, command.Id);
    }

    /// <summary>What a cancel does (UntrustedCertificateConvergence): only while still queued, under a new version.</summary>
    private static async Task CancelAsync(TestDatabase database, Guid id)
    {
        await using var other = database.CreateContext();
        (await other.AgentCommands.Where(c => c.Id == id && c.Status == AgentCommandStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, AgentCommandStatus.Cancelled).SetProperty(c => c.Version, Guid.NewGuid()), Ct)).ShouldBe(1);
    }

    private static async Task ExpireAsync(TestDatabase database, Guid id)
    {
        await using var other = database.CreateContext();
        var delivery = Delivery(other);
        (await delivery.ExpireAsync(null, DateTimeOffset.UtcNow.AddHours(1), Ct)).ShouldBe(1);
    }

    private static async Task<AgentCommand> ReadAsync(TestDatabase database, Guid id)
    {
        await using var db = database.CreateContext();
        return await db.AgentCommands.AsNoTracking().SingleAsync(c => c.Id == id, Ct);
    }

    /// <summary>Runs the other party's change once, just before the handler's first save reaches the database.</summary>
    private sealed class InterleaveOnce(Func<Task> change) : SaveChangesInterceptor
    {
        public bool Ran { get; private set; }

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (!Ran && eventData.Context!.ChangeTracker.Entries<AgentCommand>().Any(e => e.State == EntityState.Modified))
            {
                Ran = true;
                await change();
            }

            return result;
        }
    }
}
