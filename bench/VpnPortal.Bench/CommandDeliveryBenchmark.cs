using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using VpnPortal.Agent.Simulation;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Auditing;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Security;

namespace VpnPortal.Bench;

/// <summary>
/// N simulated agents hold their command polls open against the portal (Kestrel on loopback, in this process);
/// commands are queued one by one for random servers, and the time from queueing to the agent's poll answer carrying
/// the command is measured.
/// </summary>
internal static class CommandDeliveryBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var agents = Options.Int(args, "agents", 50);
        var commands = Options.Int(args, "commands", 300);
        Console.WriteLine($"Command delivery: {agents} simulated agents long-polling, {commands} commands queued one by one");
        await using var portal = await InProcessPortal.StartAsync();
        var app = portal.App;
        var received = new ConcurrentDictionary<Guid, long>();
        using var http = new HttpClient(new CommandWatcher(received));
        var fleet = await portal.EnrollFleetAsync(http, agents, new SimulationOptions { Seed = 3, TargetSessions = 5 });
        using var stop = new CancellationTokenSource();
        var running = fleet.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(5)); // every agent has its poll open

        List<Guid> serverIds;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VpnPortal.Data.PortalDbContext>();
            serverIds = db.Servers.Select(s => s.Id).ToList();
        }

        var random = new Random(5);
        var queuedAt = new Dictionary<Guid, long>();
        for (var i = 0; i < commands; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(AuditActor.System);
            var before = Stopwatch.GetTimestamp();
            var queued = await scope.ServiceProvider.GetRequiredService<AgentCommandQueue>()
                .QueueAsync(serverIds[random.Next(serverIds.Count)], AgentCommandKinds.RefreshReport, null, AuditActor.System);
            queuedAt[queued.Value?.CommandId ?? throw new InvalidOperationException(queued.Error)] = before;
            await Task.Delay(random.Next(20, 120));
        }

        await Task.Delay(TimeSpan.FromSeconds(5));
        var delays = queuedAt
            .Select(q => received.TryGetValue(q.Key, out var at) ? Stopwatch.GetElapsedTime(q.Value, at).TotalMilliseconds : double.PositiveInfinity)
            .Order()
            .ToList();
        var missing = delays.Count(double.IsPositiveInfinity);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VpnPortal.Data.PortalDbContext>();
            foreach (var group in db.AgentCommands.GroupBy(c => c.Status).Select(g => new { g.Key, Count = g.Count() }).ToList())
            {
                Console.WriteLine($"  commands {group.Key}: {group.Count}");
            }
        }

        var status = fleet.Status();
        Console.WriteLine($"  agents running {status.Running}, paused {status.Paused}, stopped {status.Stopped}, handled {status.CommandsHandled}");
        Console.WriteLine($"Delivered {delays.Count - missing} of {delays.Count} commands");
        Console.WriteLine($"Queue to agent: p50 {Options.Percentile(delays, 0.5):F0} ms, p95 {Options.Percentile(delays, 0.95):F0} ms, p99 {Options.Percentile(delays, 0.99):F0} ms, max {delays[^1]:F0} ms");
        await stop.CancelAsync();
        await running;
        return 0;
    }

    /// <summary>Notes when each command id first arrives in a poll answer.</summary>
    private sealed class CommandWatcher(ConcurrentDictionary<Guid, long> received) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Get && request.RequestUri?.AbsolutePath == AgentRoutes.Commands && response.IsSuccessStatusCode)
            {
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var at = Stopwatch.GetTimestamp();
                var original = response.Content;
                response.Content = new ByteArrayContent(bytes);
                foreach (var header in original.Headers)
                {
                    response.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                original.Dispose();
                var batch = System.Text.Json.JsonSerializer.Deserialize<CommandBatch>(bytes, AgentJson.Options);
                foreach (var command in batch?.Commands ?? [])
                {
                    received.TryAdd(command.Id, at);
                }
            }

            return response;
        }
    }
}
