using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Agent.Simulation;
using VpnPortal.Web.Features.Metrics;
using VpnPortal.Web.Tests.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.UntrustedCertificates.UntrustedFleet;

namespace VpnPortal.Web.Tests.Features.Metrics;

/// <summary>A scrape of a portal that a simulated fleet reports to, over HTTP as real agents do.</summary>
public sealed partial class FleetMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Scrape_CountsTheFleetsServersByRole_AndEachServersSessions_AndNoLabelNamesAUserAnAddressOrAThumbprint()
    {
        await using var portal = await MetricsPortal.StartAsync();
        var options = new SimulatedFleetOptions
        {
            Portal = new Uri("http://localhost/"),
            RrasServers = 2,
            NpsServers = 1,
            StaggerFirstReport = false,
            Simulation = new SimulationOptions { Seed = 17, TargetSessions = 5 },
        };
        await SimulatedFleets.RunAsync(portal, options, _ => EventuallyAsync(
            portal.ScrapeAsync,
            s => s.Value("vpnportal_agent_snapshots_total", ("role", "rras"), ("outcome", "applied")) >= 2
                && s.Value("vpnportal_agent_snapshots_total", ("role", "nps"), ("outcome", "applied")) >= 1,
            "every simulated server has reported"));

        // An outgoing call to an address, as to a webhook or a relay (here refused): the address must not become a label.
        using (var outgoing = new HttpClient())
        {
            await Should.ThrowAsync<HttpRequestException>(() => outgoing.GetAsync($"http://127.0.0.1:{NotificationSeed.ClosedPort()}/", Ct));
        }

        var scrape = await portal.ScrapeAsync();
        scrape.Samples.ShouldContain(s => s.Name.StartsWith("http_client_request_duration", StringComparison.Ordinal), "the outgoing call is measured");
        await using var db = portal.Database.CreateContext();
        Sum(scrape, "vpnportal_servers", ("role", "rras")).ShouldBe(2);
        Sum(scrape, "vpnportal_servers", ("role", "nps")).ShouldBe(1);
        Sum(scrape, "vpnportal_servers", ("agent_state", "online")).ShouldBe(3, "every agent reported moments ago");

        var live = await db.VpnSessions.AsNoTracking().Where(s => s.EndedAt == null)
            .GroupBy(s => new { s.RrasServer!.Name, s.TunnelType })
            .Select(g => new { g.Key.Name, g.Key.TunnelType, Count = g.Count() })
            .ToListAsync(Ct);
        live.Sum(s => s.Count).ShouldBeGreaterThan(0, "the simulated servers have users");
        foreach (var server in new[] { "RRAS-SIM-01", "RRAS-SIM-02" })
        {
            Sum(scrape, "vpnportal_sessions", ("server", server)).ShouldBe(live.Where(s => s.Name == server).Sum(s => s.Count), server);
        }

        foreach (var group in live)
        {
            scrape.Value("vpnportal_sessions", ("server", group.Name), ("tunnel_type", PortalMetrics.Label(group.TunnelType))).ShouldBe(group.Count, $"{group.Name} {group.TunnelType}");
        }

        // What the fleet reported that must never become a label: users, their devices and addresses, certificates.
        var sessions = await db.VpnSessions.AsNoTracking().Select(s => new { s.UserNames, s.HostName, s.ClientExternalAddress, s.ClientInternalAddress }).ToListAsync(Ct);
        var certificates = await db.Certificates.AsNoTracking().Select(c => new { c.Sha1Thumbprint, c.Sha256Thumbprint, c.SerialNumber }).ToListAsync(Ct);
        var secret = sessions.SelectMany(s => s.UserNames.Append(s.HostName).Append(s.ClientExternalAddress).Concat(s.ClientInternalAddress?.Split(',') ?? []))
            .Concat(certificates.SelectMany(c => new[] { c.Sha1Thumbprint, c.Sha256Thumbprint, c.SerialNumber }))
            .OfType<string>().Select(v => v.Trim()).Where(v => v.Length > 0)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        secret.Count.ShouldBeGreaterThan(10);
        var values = scrape.Samples.SelectMany(s => s.Labels.Values).Distinct().ToList();
        values.ShouldNotContain(v => secret.Contains(v));
        values.ShouldNotContain(v => LooksLikeAUserAnAddressOrAThumbprint(v));
    }

    private static double Sum(PrometheusText scrape, string name, params (string Name, string Value)[] labels) =>
        scrape.Of(name).Where(s => s.Has(labels)).Sum(s => s.Value);

    /// <summary>user@domain, DOMAIN\user, a dotted IPv4 or an IPv6 address, a SHA-1 or SHA-256 in hex.</summary>
    private static bool LooksLikeAUserAnAddressOrAThumbprint(string value) =>
        value.Contains('@') || value.Contains('\\') || Thumbprint().IsMatch(value)
        || (IPAddress.TryParse(value, out _) && (value.Count(c => c == '.') == 3 || value.Contains(':')));

    [GeneratedRegex("^([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$")]
    private static partial Regex Thumbprint();
}
