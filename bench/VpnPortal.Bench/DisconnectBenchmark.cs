using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VpnPortal.Agent.Simulation;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Web.Features.Disconnects;
using VpnPortal.Web.Security;

namespace VpnPortal.Bench;

/// <summary>
/// "Disconnect everywhere" across a simulated fleet on loopback: a user connected to some of the servers is disconnected
/// by the admin's action, and the time until the portal's database shows none of their sessions live (that is, until
/// every affected server's next report arrived without them) is measured.
/// </summary>
internal static class DisconnectBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var servers = Options.Int(args, "servers", 50);
        var connectedOn = Options.Int(args, "connected-on", 10);
        var trials = Options.Int(args, "trials", 30);
        var background = Options.Int(args, "sessions", 40);
        Console.WriteLine($"Disconnect everywhere: {servers} simulated RRAS servers ({background} sessions each), the user on {connectedOn} of them, {trials} trials");
        await using var portal = await InProcessPortal.StartAsync();
        using var http = new HttpClient();
        var fleet = await portal.EnrollFleetAsync(http, servers, new SimulationOptions { Seed = 11, TargetSessions = background });
        using var stop = new CancellationTokenSource();
        var running = fleet.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(8)); // first reports in, every agent's poll open

        var random = new Random(7);
        var times = new List<double>();
        for (var trial = 0; trial < trials; trial++)
        {
            var user = $"bench.user{trial}@corp.example";
            var chosen = fleet.RrasServers.OrderBy(_ => random.Next()).Take(connectedOn).ToList();
            foreach (var server in chosen)
            {
                server.Connect(user);
            }

            await WaitAsync(portal, user, s => s == connectedOn, TimeSpan.FromSeconds(30), "the portal sees the user's sessions");

            var started = Stopwatch.GetTimestamp();
            await using (var scope = portal.App.Services.CreateAsyncScope())
            {
                var admin = new AuditActor(AuditActorKind.User, null, "bench admin");
                scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(admin);
                var result = await scope.ServiceProvider.GetRequiredService<StartDisconnect>().RunAsync(user, admin);
                if (result.Value?.Servers != connectedOn)
                {
                    throw new InvalidOperationException($"Expected {connectedOn} servers, got {result.Value?.Servers}: {result.Error}");
                }
            }

            await WaitAsync(portal, user, s => s == 0, TimeSpan.FromSeconds(30), "the sessions are gone from the reports");
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await Task.Delay(random.Next(100, 400));
        }

        times.Sort();
        Console.WriteLine($"Action to every session gone in the reports: p50 {Options.Percentile(times, 0.5):F0} ms, p95 {Options.Percentile(times, 0.95):F0} ms, max {times[^1]:F0} ms");
        await stop.CancelAsync();
        await running;
        return 0;
    }

    private static async Task WaitAsync(InProcessPortal portal, string user, Func<int, bool> done, TimeSpan within, string what)
    {
        var key = user.ToUpperInvariant();
        var until = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            await using (var scope = portal.App.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
                if (done(await db.VpnSessions.CountAsync(s => s.EndedAt == null && s.UserName.ToUpper() == key)))
                {
                    return;
                }
            }

            if (Stopwatch.GetTimestamp() > until)
            {
                throw new TimeoutException($"Waited {within.TotalSeconds:0} s for: {what}.");
            }

            await Task.Delay(10);
        }
    }
}
