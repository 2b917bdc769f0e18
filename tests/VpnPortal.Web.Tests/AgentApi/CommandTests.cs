using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Web.AgentApi;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.AgentApi;

public sealed class CommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static Task<Guid> QueueAsync(PortalFactory portal, Guid serverId, string kind = AgentCommandKinds.DisconnectUser, object? payload = null) =>
        portal.InScopeAsync(async sp =>
        {
            var queued = await sp.GetRequiredService<AgentCommandQueue>().QueueAsync(
                serverId, kind, payload ?? new DisconnectUserPayload { UserName = "alice@corp.example" }, PortalFactory.TestSetupActor, ct: Ct);
            queued.Error.ShouldBeNull();
            return queued.Value!.CommandId;
        });

    [Fact]
    public async Task Poll_CommandQueuedWhileHeld_IsDeliveredAtOnce()
    {
        await using var portal = await PortalFactory.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var watch = Stopwatch.StartNew();
        var poll = agent.PollAsync(waitSeconds: 25);
        await Task.Delay(300, Ct);
        poll.IsCompleted.ShouldBeFalse("with nothing queued the poll is held open");

        var id = await QueueAsync(portal, agent.ServerId);
        var batch = await poll;

        batch.Commands.Single().Id.ShouldBe(id);
        batch.Commands[0].Kind.ShouldBe(AgentCommandKinds.DisconnectUser);
        batch.Commands[0].Payload!.Value.GetProperty("userName").GetString().ShouldBe("alice@corp.example");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), "the queued command wakes the held poll instead of waiting it out");
    }

    [Fact]
    public async Task Poll_NothingQueued_AnswersEmptyWhenTheWaitEnds()
    {
        await using var portal = await PortalFactory.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");

        (await agent.PollAsync(waitSeconds: 1)).Commands.ShouldBeEmpty();
    }

    [Fact]
    public async Task Result_Stored_AndSendingItAgainIsHarmless()
    {
        await using var portal = await PortalFactory.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var id = await QueueAsync(portal, agent.ServerId);
        (await agent.PollAsync()).Commands.Single().Id.ShouldBe(id);

        using var first = await agent.AnswerAsync(id, CommandOutcome.Succeeded, "Disconnected 1 session of alice@corp.example");
        using var again = await agent.AnswerAsync(id, CommandOutcome.Succeeded, "Disconnected 1 session of alice@corp.example");
        using var contradicting = await agent.AnswerAsync(id, CommandOutcome.Failed, "changed my mind");

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        contradicting.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        await using var db = portal.Database.CreateContext();
        var command = await db.AgentCommands.SingleAsync(Ct);
        command.Status.ShouldBe(AgentCommandStatus.Succeeded);
        command.ResultMessage.ShouldBe("Disconnected 1 session of alice@corp.example");
        command.CompletedAt.ShouldNotBeNull();
        (await agent.PollAsync()).Commands.ShouldBeEmpty("a finished command is not delivered again");
    }

    [Fact]
    public async Task Poll_AnswerCarriesThePortalsClock_WithOrWithoutCommands()
    {
        // Hours away from the test machine's clock: the answer must carry the portal's own time, whatever any other clock says.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-7));
        await using var portal = await PortalFactory.StartAsync(time: time);
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var id = await QueueAsync(portal, agent.ServerId);

        var withCommand = await agent.PollAsync();
        (await agent.AnswerAsync(id, CommandOutcome.Succeeded)).StatusCode.ShouldBe(HttpStatusCode.OK);
        time.Advance(TimeSpan.FromMinutes(3));
        var empty = await agent.PollAsync();

        withCommand.Commands.Count.ShouldBe(1);
        withCommand.PortalTime.ShouldBe(time.GetUtcNow() - TimeSpan.FromMinutes(3));
        empty.Commands.ShouldBeEmpty();
        empty.PortalTime.ShouldBe(time.GetUtcNow());
    }

    [Fact]
    public async Task Poll_DeliveredButUnanswered_IsDeliveredAgainWithTheSameId()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var id = await QueueAsync(portal, agent.ServerId);
        var first = (await agent.PollAsync()).Commands.Single();

        (await agent.PollAsync()).Commands.ShouldBeEmpty("a just-delivered command is not handed out twice at once");
        time.Advance(CommandDelivery.RedeliverAfter + TimeSpan.FromSeconds(1));
        var second = (await agent.PollAsync()).Commands.Single();

        second.Id.ShouldBe(first.Id, "the id is the agent's idempotency key");
        second.Delivery.ShouldBe(2);
        (await agent.AnswerAsync(id, CommandOutcome.Succeeded)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Command_AgentAwayPastDeadline_ExpiresAndIsNeverDelivered(string provider)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(provider, time);
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var id = await QueueAsync(portal, agent.ServerId);

        time.Advance(TimeSpan.FromHours(1));
        var batch = await agent.PollAsync();

        batch.Commands.ShouldBeEmpty();
        await using var db = portal.Database.CreateContext();
        var command = await db.AgentCommands.SingleAsync(c => c.Id == id, Ct);
        command.Status.ShouldBe(AgentCommandStatus.Expired);
        command.ResultMessage!.ShouldContain("did not collect it");
    }

    [Fact]
    public async Task ExpirySweep_ExpiresCommandsOfServersThatNeverPoll()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var id = await QueueAsync(portal, agent.ServerId);
        time.Advance(TimeSpan.FromHours(1));

        var expired = await portal.InScopeAsync(sp => sp.GetRequiredService<CommandDelivery>().ExpireAsync(null, time.GetUtcNow(), Ct));

        expired.ShouldBe(1);
        await using var db = portal.Database.CreateContext();
        (await db.AgentCommands.SingleAsync(c => c.Id == id, Ct)).Status.ShouldBe(AgentCommandStatus.Expired);
    }

    [Fact]
    public async Task Result_ArrivingAfterTheDeadline_RecordsWhatHappenedOnTheServer()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var id = await QueueAsync(portal, agent.ServerId);
        (await agent.PollAsync()).Commands.Count.ShouldBe(1);
        time.Advance(TimeSpan.FromHours(1));
        await portal.InScopeAsync(sp => sp.GetRequiredService<CommandDelivery>().ExpireAsync(null, time.GetUtcNow(), Ct));

        (await agent.AnswerAsync(id, CommandOutcome.Succeeded, "done")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await agent.AnswerAsync(id, CommandOutcome.Succeeded, "done")).StatusCode.ShouldBe(HttpStatusCode.OK, "sending it again is harmless");
        (await agent.AnswerAsync(id, CommandOutcome.Failed, "no")).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        await using var db = portal.Database.CreateContext();
        var command = await db.AgentCommands.SingleAsync(Ct);
        command.Status.ShouldBe(AgentCommandStatus.Expired, "a terminal state never changes: whoever waited for it has moved on");
        command.LateOutcome.ShouldBe(AgentCommandStatus.Succeeded);
        command.ResultMessage.ShouldBe("Expired: delivered, but no result came back before its deadline. The result arrived after the deadline: succeeded: done");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task HeldPoll_AgentRevokedWhileWaiting_GetsNotEnrolledAndNoCommand(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        using var poll = agent.Client.GetAsync(AgentRoutes.Commands + "?waitSeconds=25", Ct);
        await Task.Delay(300, Ct);
        poll.IsCompleted.ShouldBeFalse("with nothing queued the poll is held open");

        await portal.InScopeAsync(async sp => (await sp.GetRequiredService<Agents>().RevokeAsync(agent.Enrollment.AgentId, null, Ct)).Error.ShouldBeNull());
        var id = await QueueAsync(portal, agent.ServerId);
        using var response = await poll;

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!.Error.ShouldBe(AgentErrorCodes.NotEnrolled);
        await using var db = portal.Database.CreateContext();
        var command = await db.AgentCommands.SingleAsync(c => c.Id == id, Ct);
        command.Status.ShouldBe(AgentCommandStatus.Queued, "a revoked agent's held poll hands nothing over");
        command.Deliveries.ShouldBe(0);
    }

    [Fact]
    public async Task Poll_PayloadThatCannotBePrepared_FailsThatCommandOnly_WithTheReason()
    {
        await using var portal = await PortalFactory.StartAsync(services: s => s.AddScoped<ICommandPayloadSource, BrokenPayloadSource>());
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var broken = await QueueAsync(portal, agent.ServerId, AgentCommandKinds.CheckSstpListener, new CheckSstpListenerPayload { Port = 443, UseHttps = true });
        var fine = await QueueAsync(portal, agent.ServerId);

        var batch = await agent.PollAsync();
        var again = await agent.PollAsync();

        batch.Commands.Select(c => c.Id).ShouldBe([fine], "the other command is delivered");
        again.Commands.ShouldBeEmpty("the failed command is not handed out again");
        await using var db = portal.Database.CreateContext();
        var failed = await db.AgentCommands.SingleAsync(c => c.Id == broken, Ct);
        failed.Status.ShouldBe(AgentCommandStatus.Failed);
        failed.ResultMessage.ShouldBe("Not delivered: the portal could not prepare its payload (CryptographicException).");
    }

    /// <summary>A payload source whose secret no longer decrypts.</summary>
    private sealed class BrokenPayloadSource : ICommandPayloadSource
    {
        public string Kind => AgentCommandKinds.CheckSstpListener;

        public Task<(System.Text.Json.JsonElement? Payload, string? Refusal)> ExpandAsync(AgentCommand command, CancellationToken ct) =>
            throw new System.Security.Cryptography.CryptographicException("The key {00000000-0000-0000-0000-000000000000} was not found in the key ring.");
    }

    [Fact]
    public async Task Agent_CannotReadOrAnswerAnotherServersCommands()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        var id = await QueueAsync(portal, vpn01.ServerId);

        (await vpn02.PollAsync()).Commands.ShouldBeEmpty();
        using var answer = await vpn02.AnswerAsync(id, CommandOutcome.Failed, "not mine");

        answer.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await using (var db = portal.Database.CreateContext())
        {
            (await db.AgentCommands.SingleAsync(Ct)).Status.ShouldBe(AgentCommandStatus.Queued, "another agent's answer changes nothing");
        }

        (await vpn01.PollAsync()).Commands.Single().Id.ShouldBe(id);
    }

    [Fact]
    public async Task Queue_UnknownKind_IsRefused()
    {
        await using var portal = await PortalFactory.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");

        var queued = await portal.InScopeAsync(sp => sp.GetRequiredService<AgentCommandQueue>().QueueAsync(agent.ServerId, "format-c", null, PortalFactory.TestSetupActor, ct: Ct));

        queued.Value.ShouldBeNull();
        queued.Error!.ShouldContain("format-c");
    }
}
