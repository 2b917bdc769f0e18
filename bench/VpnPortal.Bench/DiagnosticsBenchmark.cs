using System.Diagnostics;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Diagnostics;

namespace VpnPortal.Bench;

/// <summary>
/// Every diagnostics rule over a generated fleet (RRAS servers with their stores, bindings and RADIUS settings, NPS
/// servers with NTAuth and the MFA extension), timed as the portal runs it: one evaluation of the whole fleet.
/// </summary>
internal static class DiagnosticsBenchmark
{
    public static int Run(string[] args)
    {
        var servers = Options.Int(args, "servers", 500);
        var runs = Options.Int(args, "runs", 30);
        var fleet = Generate(servers);
        Console.WriteLine($"Diagnostics: {DiagnosticRules.All.Count} rules over {servers} servers ({fleet.Servers.Count(s => s.IsRras)} RRAS, " +
            $"{fleet.Servers.Count(s => !s.IsRras)} NPS, {fleet.Servers.Sum(s => s.Certificates.Count)} certificates), {runs} runs");
        var findings = DiagnosticRules.Evaluate(fleet).Sum(r => r.Findings.Count); // warm-up, and the JIT
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            DiagnosticRules.Evaluate(fleet);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine($"{findings} findings per evaluation");
        foreach (var (rule, ms) in DiagnosticRules.All
                     .Select(rule => (rule.Id, Ms: Enumerable.Range(0, 5).Min(_ => Time(() => DiagnosticRules.Evaluate(fleet, [rule])))))
                     .OrderByDescending(r => r.Ms).Take(5))
        {
            Console.WriteLine($"  slowest rule {rule}: {ms:F1} ms");
        }

        Console.WriteLine($"Whole fleet: p50 {Options.Percentile(times, 0.5):F1} ms, p95 {Options.Percentile(times, 0.95):F1} ms, max {times[^1]:F1} ms");
        return 0;
    }

    private static double Time(Action action)
    {
        var started = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static FleetFacts Generate(int count)
    {
        var now = DateTimeOffset.UtcNow;
        var random = new Random(17);
        var untrusted = Enumerable.Range(0, 20).Select(i => Hex(random, 20)).ToList();
        var servers = new List<ServerFacts>(count);

        // One SSTP certificate behind the public name, as a fleet has it; a few servers still on another one.
        var shared = Certificate(random, StoreKind.My, "CN=vpn.corp.example", ["vpn.corp.example"], ["1.3.6.1.5.5.7.3.1"], now, key: true);
        for (var i = 0; i < count; i++)
        {
            var rras = i % 10 != 9;
            var name = rras ? $"VPN{i:D3}" : $"NPS{i:D3}";
            var sstp = i % 25 == 0 ? Certificate(random, StoreKind.My, "CN=vpn.corp.example", ["vpn.corp.example"], ["1.3.6.1.5.5.7.3.1"], now, key: true) : shared;
            var certificates = new List<StoredCertificate> { sstp, Certificate(random, StoreKind.My, $"CN={name}.corp.example", [$"{name}.corp.example"], ["1.3.6.1.5.5.7.3.2"], now, key: true) };
            certificates.AddRange(Enumerable.Range(0, 4).Select(_ => Certificate(random, StoreKind.My, "CN=old.corp.example", ["old.corp.example"], [], now.AddYears(-2), key: random.Next(2) == 0)));
            if (rras)
            {
                // Most servers hold the whole untrusted set; some miss one (drift).
                certificates.AddRange(untrusted.Skip(random.Next(10) == 0 ? 1 : 0).Select(t => Certificate(random, StoreKind.Disallowed, "CN=LT-0001.corp.example", [], ["1.3.6.1.5.5.7.3.2"], now, false) with { Sha1Thumbprint = t }));
            }
            else
            {
                certificates.AddRange(Enumerable.Range(0, 3).Select(n => Certificate(random, StoreKind.NTAuth, $"CN=Corp Issuing CA {n}", [], [], now, false) with { IsCertificateAuthority = true }));
            }

            var hash = random.Next(20) == 0 ? Hex(random, 20) : sstp.Sha1Thumbprint;
            servers.Add(new ServerFacts
            {
                Name = name,
                IsRras = rras,
                HostFqdn = $"{name.ToLowerInvariant()}.corp.example",
                Site = i % 2 == 0 ? "West" : "East",
                LastReportAt = now,
                Certificates = certificates,
                PublicFqdns = rras ? ["vpn.corp.example"] : [],
                ListenerPort = 443,
                UseHttps = true,
                ConfiguredSstpSha1 = sstp.Sha1Thumbprint,
                Bindings = rras
                    ?
                    [
                        new BindingFacts("0.0.0.0:443", sstp.Sha1Thumbprint, FleetFacts.SstpApplicationId, "MY"),
                        new BindingFacts("[::]:443", hash, FleetFacts.SstpApplicationId, "MY"),
                    ]
                    : [],
                Ikev2FragmentationEnabled = random.Next(5) != 0,
                RadiusServers = rras ? [new RadiusFacts("nps01.corp.example", random.Next(4) == 0 ? 30 : 60), new RadiusFacts("nps02.corp.example", 60)] : [],
                MfaExtension = rras ? null : new MfaExtensionFacts(true, certificates[1].Sha1Thumbprint, true, random.Next(10) != 0),
            });
        }

        return new FleetFacts
        {
            Now = now,
            Servers = servers,
            UntrustedSha1 = untrusted,
            EapServerNames = ["nps01.corp.example", "nps02.corp.example"],
            PhoneCallMfa = true,
            ClientCertificateIssuers = ["CN=Corp Issuing CA 1"],
        };
    }

    private static StoredCertificate Certificate(Random random, StoreKind store, string subject, string[] dns, string[] ekus, DateTimeOffset issued, bool key) =>
        new(store, Hex(random, 20), Hex(random, 32), subject, "CN=Corp Issuing CA 1", new CertificateFacts
        {
            EnhancedKeyUsages = ekus,
            HasPrivateKey = key,
            NotBefore = issued.AddDays(-30),
            NotAfter = issued.AddDays(335),
            CrlDistributionPoints = ["http://pki.corp.example/crl/issuing.crl"],
            SubjectCommonName = DistinguishedNames.CommonName(subject),
            DnsNames = dns,
            KeyAlgorithm = "RSA",
            KeySize = 2048,
        });

    private static string Hex(Random random, int bytes)
    {
        var buffer = new byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexString(buffer);
    }
}
