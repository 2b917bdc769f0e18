using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Jobs;
using VpnPortal.Web.Tests.Features;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Jobs;

/// <summary>Old finished commands go; what pointed at one forgets it, on every provider (SQL Server has no delete action for it).</summary>
public sealed class PruneFleetHistoryJobTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Prune_APlacementsLastCommandPastRetention_GoesAndThePlacementForgetsIt(string provider)
    {
        await using var database = await TestDatabase.CreateMigratedAsync(provider);
        var now = DateTimeOffset.UtcNow;
        var retention = new AgentOptions().HistoryRetentionDays;
        Guid oldPlacement, recentPlacement, oldCommand, recentCommand;
        await using (var db = database.CreateContext())
        {
            var fleet = new FleetBuilder(db, now);
            var untrusted = fleet.Untrust(fleet.Cert("CN=lost-laptop.corp.example", 100), Guid.NewGuid());
            var first = fleet.Rras("RRAS-01");
            var second = fleet.Rras("RRAS-02");
            oldCommand = Command(db, first, now.AddDays(-retention - 1));
            recentCommand = Command(db, second, now.AddDays(-1));
            oldPlacement = Placement(db, untrusted, first, oldCommand);
            recentPlacement = Placement(db, untrusted, second, recentCommand);
            await fleet.SaveAsync(Ct);
        }

        await RunAsync(database);

        await using var check = database.CreateContext();
        (await check.AgentCommands.Select(c => c.Id).ToListAsync(Ct)).ShouldBe([recentCommand]);
        var placements = await check.UntrustedCertificatePlacements.ToDictionaryAsync(p => p.Id, p => p.LastCommandId, Ct);
        placements.ShouldBe(new Dictionary<Guid, Guid?> { [oldPlacement] = null, [recentPlacement] = recentCommand }, ignoreOrder: true);
    }

    private static Guid Command(PortalDbContext db, ManagedServer server, DateTimeOffset completedAt)
    {
        var command = new AgentCommand
        {
            Id = Guid.NewGuid(),
            ServerId = server.Id,
            Kind = AgentCommandKinds.RefreshReport,
            Status = AgentCommandStatus.Succeeded,
            CreatedAt = completedAt.AddMinutes(-5),
            DeliverBy = completedAt.AddMinutes(10),
            ExecuteBy = completedAt.AddMinutes(15),
            DeliveredAt = completedAt.AddMinutes(-4),
            CompletedAt = completedAt,
            RequestedBy = "system",
        };
        db.AgentCommands.Add(command);
        return command.Id;
    }

    private static Guid Placement(PortalDbContext db, UntrustedCertificate untrusted, ManagedServer server, Guid lastCommand)
    {
        var placement = new UntrustedCertificatePlacement { Id = Guid.NewGuid(), UntrustedCertificate = untrusted, UntrustedCertificateId = untrusted.Id, ServerId = server.Id, LastCommandId = lastCommand };
        db.UntrustedCertificatePlacements.Add(placement);
        return placement.Id;
    }

    /// <summary>One run of the job on <paramref name="database"/>, with the services it takes and nothing else.</summary>
    internal static async Task RunAsync(TestDatabase database)
    {
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddScoped(_ => database.CreateContext());
        services.AddOptions<AgentOptions>();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var job = new PruneFleetHistoryJob(provider.GetRequiredService<IServiceScopeFactory>(), NullLogger<PruneFleetHistoryJob>.Instance, new ConfigurationBuilder().Build());
        await job.RunAsync(scope.ServiceProvider, Ct);
    }
}
