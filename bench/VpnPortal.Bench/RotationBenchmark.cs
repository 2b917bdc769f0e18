using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VpnPortal.Agent.Simulation;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Rotations;
using VpnPortal.Web.Security;

namespace VpnPortal.Bench;

/// <summary>
/// An SSTP certificate rollout across simulated RRAS servers, one at a time, each restart taking a set time. Reports the
/// whole rollout's time against the servers' own time, and the portal's overhead per step: from a step's result (or the
/// report it waited for) to the next step's command reaching the agent.
/// </summary>
internal static class RotationBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var servers = Options.Int(args, "servers", 20);
        var restartSeconds = Options.Int(args, "restart-seconds", 2);
        Console.WriteLine($"SSTP rollout: {servers} simulated RRAS servers, one at a time, each RemoteAccess restart taking {restartSeconds} s");
        await using var portal = await InProcessPortal.StartAsync();
        using var http = new HttpClient();
        var fleet = await portal.EnrollFleetAsync(http, servers, new SimulationOptions
        {
            Seed = 13,
            TargetSessions = 10,
            RemoteAccessRestartDuration = TimeSpan.FromSeconds(restartSeconds),
        });
        using var stop = new CancellationTokenSource();
        var running = fleet.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(8));

        var admin = new AuditActor(AuditActorKind.User, null, "bench admin");
        Guid rotationId;
        await using (var scope = portal.App.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(admin);
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await db.RrasServers.ExecuteUpdateAsync(s => s.SetProperty(r => r.PublicFqdns, new List<string> { "vpn.corp.example" }));
            var result = await scope.ServiceProvider.GetRequiredService<PlanRotation>().StartAsync(
                new PlanRotation.Request(NewPfx(), "vpn.pfx", "bench-password", []), admin);
            rotationId = result.Succeeded ? result.Id!.Value : throw new InvalidOperationException(string.Join("; ", result.Value!.Refusals));
        }

        var started = Stopwatch.GetTimestamp();
        var status = RotationStatus.Running;
        while (status == RotationStatus.Running)
        {
            await Task.Delay(200);
            await using var scope = portal.App.Services.CreateAsyncScope();
            status = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().SstpRotations.Where(r => r.Id == rotationId).Select(r => r.Status).SingleAsync();
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(30))
            {
                throw new TimeoutException("The rollout did not finish within 30 minutes.");
            }
        }

        var total = Stopwatch.GetElapsedTime(started);
        await stop.CancelAsync();
        await running;
        await using (var scope = portal.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            Report(await db.AgentCommands.AsNoTracking().Where(c => c.OperationId == rotationId).ToListAsync(), status, servers, total, restartSeconds);
        }

        return status == RotationStatus.Completed ? 0 : 1;
    }

    private static void Report(List<AgentCommand> commands, RotationStatus status, int servers, TimeSpan total, int restartSeconds)
    {
        var overhead = new List<double>();
        var onServer = 0.0;
        foreach (var server in commands.GroupBy(c => c.ServerId))
        {
            AgentCommand? previous = null;
            foreach (var command in server.OrderBy(c => c.CreatedAt))
            {
                if (previous?.CompletedAt is { } before && command.DeliveredAt is { } delivered)
                {
                    overhead.Add((delivered - before).TotalMilliseconds);
                }

                if (command.DeliveredAt is { } d && command.CompletedAt is { } c)
                {
                    onServer += (c - d).TotalSeconds;
                }

                previous = command;
            }
        }

        overhead.Sort();
        Console.WriteLine($"Rollout {status.ToString().ToLowerInvariant()}: {servers} servers in {total.TotalSeconds:F1} s ({total.TotalSeconds / servers:F1} s per server; restarts alone {restartSeconds * servers} s)");
        Console.WriteLine($"Time the servers spent running the steps: {onServer:F1} s ({onServer / total.TotalSeconds:P0} of the rollout)");
        Console.WriteLine($"Portal overhead per step (previous result to next command at the agent, incl. waiting for the verifying report), {overhead.Count} steps: " +
            $"p50 {Options.Percentile(overhead, 0.5):F0} ms, p95 {Options.Percentile(overhead, 0.95):F0} ms, max {overhead[^1]:F0} ms, sum {overhead.Sum() / 1000:F1} s");
    }

    private static byte[] NewPfx()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=vpn.corp.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("vpn.corp.example");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365));
        return certificate.Export(X509ContentType.Pkcs12, "bench-password");
    }
}
