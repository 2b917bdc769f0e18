using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Alerts;
using VpnPortal.Web.Features.Alerts;

namespace VpnPortal.Bench;

/// <summary>
/// The alert scan over many certificates: the pure part (each certificate's thresholds and step, target under 1 s for
/// 100,000), then the portal's whole scan on its SQLite database: reading what is near expiry and its possible successors, opening and keeping alerts, saving.
/// </summary>
internal static class AlertScanBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = Options.Int(args, "certificates", 100_000);
        var runs = Options.Int(args, "runs", 30);
        var dbRuns = Options.Int(args, "db-runs", 5);
        var now = DateTimeOffset.UtcNow;
        var random = new Random(23);
        var thresholds = new ExpiryThresholds(overrides: new Dictionary<CertificatePurpose, IReadOnlyCollection<int>> { [CertificatePurpose.NtAuthCa] = [90, 60, 30, 14] });
        var purposes = Enum.GetValues<CertificatePurpose>();
        var certificates = Enumerable.Range(0, count)
            .Select(_ => new WatchedExpiry(now.AddDays(random.NextDouble() * 420 - 20), PurposeMask.Of(purposes[random.Next(purposes.Length)])))
            .ToList();

        Console.WriteLine($"Alert scan (pure): {count:N0} certificates, {runs} runs");
        var due = AlertScan.Due(certificates, now, thresholds).Count; // warm-up, and the JIT
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            AlertScan.Due(certificates, now, thresholds);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Report($"{due:N0} at a step", times);

        // The whole scan as the portal runs it (ScanAlerts from the portal's own services), on the portal's SQLite file:
        // the first one opens an alert for every certificate at a step; the next ones find them all already open,
        // which is what every scan after that does.
        await using var portal = await InProcessPortal.StartAsync("--Jobs:Enabled=false", "--Alerts:PurposeThresholdDays:NtAuthCa:0=90", "--Alerts:PurposeThresholdDays:NtAuthCa:1=60", "--Alerts:PurposeThresholdDays:NtAuthCa:2=30", "--Alerts:PurposeThresholdDays:NtAuthCa:3=14");
        await using (var scope = portal.App.Services.CreateAsyncScope())
        {
            await SeedAsync(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), count, now, random);
        }

        Console.WriteLine($"Alert scan with the database (SQLite, the portal's ScanAlerts): {count:N0} certificates on 50 servers");
        var first = await ScanAsync(portal);
        Console.WriteLine($"  first scan (opens {first.Outcome.Opened:N0} alerts): {first.Milliseconds:F0} ms");
        times.Clear();
        ScanAlerts.Outcome? outcome = null;
        for (var i = 0; i <= dbRuns; i++)
        {
            var run = await ScanAsync(portal);
            outcome = run.Outcome;
            if (i > 0)
            {
                times.Add(run.Milliseconds); // the first run after the one above warms the page cache for the narrower reads
            }
        }

        Report($"later scans ({outcome!.Watched:N0} read, {outcome.Open:N0} open, {outcome.Opened} opened, {outcome.Notifications} notifications)", times);
        return 0;
    }

    private static async Task<(ScanAlerts.Outcome Outcome, double Milliseconds)> ScanAsync(InProcessPortal portal)
    {
        await using var scope = portal.App.Services.CreateAsyncScope();
        var scan = scope.ServiceProvider.GetRequiredService<ScanAlerts>();
        var started = Stopwatch.GetTimestamp();
        var outcome = await scan.RunAsync(CancellationToken.None);
        return (outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static void Report(string what, List<double> times)
    {
        times.Sort();
        Console.WriteLine($"  {what}: p50 {Options.Percentile(times, 0.5):F1} ms, p95 {Options.Percentile(times, 0.95):F1} ms, max {times[^1]:F1} ms");
    }

    private static async Task SeedAsync(PortalDbContext db, int count, DateTimeOffset now, Random random)
    {
        var servers = Enumerable.Range(0, 50).Select(i => (ManagedServer)(i % 5 == 4 ? new NpsServer { Id = Guid.NewGuid(), Name = $"NPS{i:D2}" } : new RrasServer { Id = Guid.NewGuid(), Name = $"VPN{i:D2}" })).ToList();
        db.Servers.AddRange(servers);
        await db.SaveChangesAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var stores = new[] { CertificateStoreName.My, CertificateStoreName.My, CertificateStoreName.NTAuth, CertificateStoreName.Root, CertificateStoreName.CA };
        for (var start = 0; start < count; start += 5000)
        {
            for (var i = start; i < Math.Min(count, start + 5000); i++)
            {
                var id = Guid.NewGuid();
                db.Certificates.Add(new Certificate
                {
                    Id = id,
                    Sha1Thumbprint = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + i.ToString("X8"),
                    Sha256Thumbprint = Convert.ToHexString(Guid.NewGuid().ToByteArray()),
                    Subject = $"CN=host{i}.corp.example",
                    SubjectAlternativeNames = [$"DNS:host{i}.corp.example"],
                    Issuer = "CN=Corp Issuing CA",
                    SerialNumber = i.ToString("X"),
                    NotBefore = now.AddYears(-1),
                    NotAfter = now.AddDays(random.NextDouble() * 420 - 20),
                    EnhancedKeyUsages = ["1.3.6.1.5.5.7.3.1"],
                    KeyAlgorithm = "RSA",
                    KeySize = 2048,
                    Source = CertificateSource.Reported,
                    FirstSeenAt = now,
                    Version = Guid.NewGuid(),
                    Locations = [new CertificateLocation { Id = Guid.NewGuid(), CertificateId = id, ServerId = servers[i % servers.Count].Id, Store = stores[i % stores.Length], FirstSeenAt = now, LastSeenAt = now }],
                });
            }

            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
    }
}
