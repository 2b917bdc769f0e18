using System.Diagnostics;
using Microsoft.Extensions.Logging;
using VpnPortal.Agent.Simulation;

namespace VpnPortal.Bench;

/// <summary>
/// N simulated RRAS servers with K sessions each report every interval over HTTP on loopback to the portal (its own
/// process, SQLite). Prints, per minute, snapshots applied, session rows written per second, report-to-visible
/// latency (p50/p95/max) and the portal's CPU and memory; a growing p95 or a falling rate would be a backlog.
/// </summary>
internal static class IngestionBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var servers = Options.Int(args, "servers", 500);
        var sessions = Options.Int(args, "sessions", 400);
        var interval = Options.Int(args, "interval", 30);
        var minutes = Options.Int(args, "minutes", 3);

        // Simulated servers report early when sessions come and go; 400 sessions churn every few seconds, which would
        // make "every 30 s" every 10 s. The benchmark measures the stated rate unless --early-reports is given.
        var earlyReports = args.Contains("--early-reports");
        Console.WriteLine($"Ingestion: {servers} RRAS servers x {sessions} sessions, reporting every {interval} s{(earlyReports ? " and early on session changes" : "")}, for {minutes} min, portal on SQLite");

        var (portal, apiKey) = await PortalUnderTest.StartAsync();
        await using var _ = portal;
        var timer = new SnapshotTimer();
        using var http = new HttpClient(timer);
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error));
        var fleet = new SimulatedFleet(
            new SimulatedFleetOptions
            {
                Portal = portal.BaseUrl,
                RrasServers = servers,
                NpsServers = 0,
                ReportInterval = TimeSpan.FromSeconds(interval),
                Simulation = new SimulationOptions
                {
                    Seed = 1,
                    TargetSessions = sessions,
                    SessionChangeCheckInterval = earlyReports ? new SimulationOptions().SessionChangeCheckInterval : TimeSpan.FromSeconds(interval),
                },
                EnrollmentConcurrency = 16,
                StaggerFirstReport = true,
            },
            http,
            SimulatedFleet.PortalTokenSource(http, portal.BaseUrl, apiKey),
            loggers);
        var enrollWatch = Stopwatch.StartNew();
        await fleet.EnrollAsync(null, CancellationToken.None);
        Console.WriteLine($"Enrolled {servers} agents in {enrollWatch.Elapsed.TotalSeconds:F1} s");

        using var stop = new CancellationTokenSource();
        timer.Take();
        // Measured from the start: the first minute is every agent's first snapshot (all its sessions new to the portal),
        // spread over the first interval as agents started together spread them; --steady measures after it.
        var running = fleet.RunAsync(stop.Token);
        if (args.Contains("--steady"))
        {
            await Task.Delay(TimeSpan.FromSeconds(interval));
            timer.Take();
        }

        var (cpuStart, _) = portal.Usage();
        var wallStart = Stopwatch.StartNew();
        var allLatencies = new List<double>();
        long allApplied = 0;
        long peakRss = 0;
        Console.WriteLine("minute  snapshots/s  session rows/s  p50 ms  p95 ms  max ms  failed  portal CPU  portal RSS");
        for (var minute = 1; minute <= minutes; minute++)
        {
            var (cpuBefore, _) = portal.Usage();
            var watch = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromMinutes(1));
            var samples = timer.Take();
            var (cpuAfter, rss) = portal.Usage();
            peakRss = Math.Max(peakRss, rss);
            var ok = samples.Where(s => s.Ok).Select(s => s.Ms).Order().ToList();
            allLatencies.AddRange(ok);
            allApplied += ok.Count;
            var seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(
                $"{minute,6}  {ok.Count / seconds,11:F1}  {ok.Count * (double)sessions / seconds,14:F0}  {Options.Percentile(ok, 0.5),6:F0}  {Options.Percentile(ok, 0.95),6:F0}  {(ok.Count == 0 ? 0 : ok[^1]),6:F0}  {samples.Count(s => !s.Ok),6}  {(cpuAfter - cpuBefore).TotalSeconds / seconds * 100,9:F0}%  {rss / 1024 / 1024,7} MB");
        }

        var (cpuEnd, _) = portal.Usage();
        var wall = wallStart.Elapsed.TotalSeconds;
        allLatencies.Sort();
        var expected = servers / (double)interval;
        Console.WriteLine();
        Console.WriteLine($"Expected {expected:F1} snapshots/s; applied {allApplied / wall:F1}/s ({allApplied / wall / expected * 100:F0}% of expected)");
        Console.WriteLine($"Session rows written: {allApplied * (double)sessions / wall:F0}/s sustained");
        Console.WriteLine($"Report to visible: p50 {Options.Percentile(allLatencies, 0.5):F0} ms, p95 {Options.Percentile(allLatencies, 0.95):F0} ms, p99 {Options.Percentile(allLatencies, 0.99):F0} ms, max {(allLatencies.Count == 0 ? 0 : allLatencies[^1]):F0} ms");
        Console.WriteLine($"Portal: CPU {(cpuEnd - cpuStart).TotalSeconds / wall * 100:F0}% of one core on average over {Environment.ProcessorCount} cores; peak RSS {peakRss / 1024 / 1024} MB");
        var status = fleet.Status();
        Console.WriteLine($"Agents: {status.Running} running, {status.SnapshotsFailed} snapshots failed in total");
        await stop.CancelAsync();
        await running;
        return 0;
    }
}
