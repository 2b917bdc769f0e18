using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Alerts;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Alerts;
using VpnPortal.Web.Features.Diagnostics;
using VpnPortal.Web.Jobs;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Diagnostics;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Alerts.AlertLifecycleTests;

namespace VpnPortal.Web.Tests.Alerts;

/// <summary>
/// With Alerts:RaiseForCriticalFindings on, a critical diagnostics finding that opens raises an alert in the same save,
/// notified, escalated and repeated like a certificate's until acknowledged, and resolved with the finding.
/// </summary>
public sealed class FindingAlertsTests
{
    private const string Mismatch = "sstp.binding-mismatch";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Harness(PortalFactory portal, FakeTimeProvider time, RecordingOutbox outbox, HttpClient onCall, HttpClient admin) : IAsyncDisposable
    {
        public PortalFactory Portal => portal;
        public FakeTimeProvider Time => time;
        public RecordingOutbox Outbox => outbox;
        public HttpClient OnCall => onCall;
        public HttpClient Admin => admin;

        public Task<EvaluateFindings.Outcome> EvaluateAsync() =>
            portal.InScopeAsync(sp => sp.GetRequiredService<EvaluateFindings>().RunAsync(null, Ct));

        /// <summary>The periodic alert job as Quartz runs it: the certificate scan, then the finding alerts.</summary>
        public Task ScanAsync() =>
            portal.InScopeAsync(sp => new AlertScanJob(sp.GetRequiredService<IServiceScopeFactory>(), NullLogger<AlertScanJob>.Instance).RunAsync(sp, Ct), AuditActor.System);

        public Task<IReadOnlyList<string>> CommittedAsync() => AlertLifecycleTests.CommittedAsync(portal);

        public async Task<List<Alert>> AlertsAsync()
        {
            await using var db = portal.Database.CreateContext();
            return await db.Alerts.AsNoTracking().Include(a => a.Events).OrderBy(a => a.OpenedAt).ThenBy(a => a.Title).ToListAsync(Ct);
        }

        public async Task<List<DiagnosticFinding>> CriticalFindingsAsync(string server)
        {
            await using var db = portal.Database.CreateContext();
            return await db.DiagnosticFindings.AsNoTracking()
                .Where(f => f.ResolvedAt == null && f.Severity == 3 && f.Server!.Name == server)
                .ToListAsync(Ct);
        }

        public async ValueTask DisposeAsync()
        {
            onCall.Dispose();
            admin.Dispose();
            await portal.DisposeAsync();
        }
    }

    private static async Task<Harness> StartAsync(string provider, bool raise, Action<IServiceCollection>? services = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (portal, outbox, _) = await AlertLifecycleTests.StartAsync(provider, time, new()
        {
            ["Alerts:RaiseForCriticalFindings"] = raise ? "true" : "false",
        }, s =>
        {
            s.WithoutHosted<FindingsEvaluator>();
            services?.Invoke(s);
        });
        var onCall = await portal.CreateUserAsync(Roles.OnCall);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        return new Harness(
            portal, time, outbox, portal.CreateApiClient(await portal.CreateApiKeyAsync(onCall)), portal.CreateApiClient(await portal.CreateApiKeyAsync(admin)));
    }

    private static async Task<TestAgent> BrokenAsync(Harness h, string name)
    {
        var agent = await h.Portal.EnrollAsync(ServerRole.Rras, name);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await agent.ReportAsync(DiagnosticsPortal.WithIpv6Binding(agent, DiagnosticsPortal.Stranger));
        return agent;
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ACriticalFinding_RaisesOneAlert_EscalatesAndRepeatsUntilAcknowledged_AndResolvesWithTheFinding(string provider)
    {
        await using var h = await StartAsync(provider, raise: true);
        var vpn01 = await BrokenAsync(h, "VPN01");

        var outcome = await h.EvaluateAsync();

        var critical = await h.CriticalFindingsAsync("VPN01");
        critical.Select(f => f.RuleId).ShouldContain(Mismatch);
        outcome.AlertsRaised.ShouldBe(critical.Count);
        var alerts = await h.AlertsAsync();
        alerts.Select(a => a.FindingId).ShouldBe(critical.Select(f => (Guid?)f.Id), ignoreOrder: true, "one alert per critical finding, none for the others");
        var mismatch = critical.Single(f => f.RuleId == Mismatch);
        var alert = alerts.Single(a => a.FindingId == mismatch.Id);
        alert.Kind.ShouldBe(AlertKind.Finding);
        alert.State.ShouldBe(AlertState.Firing);
        alert.Severity.ShouldBe((int)AlertSeverity.Critical);
        alert.Title.ShouldContain("VPN01");
        var id = alert.Id;
        string Key(string suffix, Guid recipient) => $"alert:{id}:{suffix}|{recipient}";
        List<string> Mine(IReadOnlyList<string> committed) => committed.Where(c => c.StartsWith($"alert:{id}:", StringComparison.Ordinal)).ToList();
        var expected = new List<string> { Key("finding", Primary) };
        Mine(await h.CommittedAsync()).ShouldBe(expected);

        var content = h.Outbox.Calls.Single(c => c.AlertId == id).Content;
        content.Severity.ShouldBe("critical");
        content.Subject.ShouldContain("VPN01");
        content.Subject.ShouldContain(mismatch.Title);
        content.Summary.ShouldContain(Mismatch);
        content.Summary.ShouldContain(mismatch.Summary);
        content.Summary.ShouldContain("Fix: 1) ");
        content.Links.Select(l => l.Path).ShouldBe([$"/alerts/{id}", $"/servers/rras/{vpn01.ServerId}"]);

        // The same state reported and evaluated again, and the scan at the same moment: nothing new.
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await vpn01.ReportAsync(DiagnosticsPortal.WithIpv6Binding(vpn01, DiagnosticsPortal.Stranger));
        (await h.EvaluateAsync()).AlertsRaised.ShouldBe(0);
        await h.ScanAsync();
        await h.ScanAsync();
        Mine(await h.CommittedAsync()).ShouldBe(expected);

        // Unacknowledged: the next person after 30 minutes, everyone after 60, then a repeat 4 hours after the last message.
        h.Time.Advance(TimeSpan.FromMinutes(30));
        await h.ScanAsync();
        await h.ScanAsync();
        expected.Add(Key("escalation:finding:1", Next));
        h.Time.Advance(TimeSpan.FromMinutes(30));
        await h.ScanAsync();
        expected.AddRange([Key("escalation:finding:2", Primary), Key("escalation:finding:2", Next), Key("escalation:finding:2", Third)]);
        h.Time.Advance(TimeSpan.FromHours(4));
        await h.ScanAsync();
        await h.ScanAsync();
        expected.AddRange([Key("repeat:1", Primary), Key("repeat:1", Next), Key("repeat:1", Third)]);
        Mine(await h.CommittedAsync()).ShouldBe(expected);

        using (var ack = await h.OnCall.PostAsJsonAsync($"/api/v1/alerts/{id}/acknowledge", new { note = "rebinding tonight" }, Ct))
        {
            ack.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        h.Time.Advance(TimeSpan.FromHours(9));
        await h.ScanAsync();
        Mine(await h.CommittedAsync()).ShouldBe(expected, "acknowledged: no more repeats");
        var listed = await h.OnCall.GetFromJsonAsync<JsonElement>("/api/v1/alerts?kind=finding&state=acknowledged", Ct);
        var row = listed.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        row.GetProperty("id").GetGuid().ShouldBe(id);
        row.GetProperty("kind").GetString().ShouldBe("finding");
        row.GetProperty("ruleId").GetString().ShouldBe(Mismatch);
        (await h.OnCall.GetFromJsonAsync<JsonElement>("/api/v1/alerts?kind=certificate-expiry&state=all", Ct)).GetProperty("total").GetInt32().ShouldBe(0);

        // The binding is fixed: the finding resolves and its alert with it, in the same evaluation.
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await vpn01.ReportAsync(Snapshots.Rras(vpn01, vpn01.Next(), []));
        await h.EvaluateAsync();

        alert = (await h.AlertsAsync()).Single(a => a.Id == id);
        alert.State.ShouldBe(AlertState.Resolved);
        alert.OpenKey.ShouldBeNull();
        alert.ResolutionReason.ShouldBe((int)AlertResolutionReason.FindingResolved);
        alert.ResolutionDetail.ShouldBe($"The finding resolved: {Mismatch} no longer fires on VPN01.");
        alert.Events.Select(e => e.Kind).ShouldContain("resolved");
        var detail = await h.OnCall.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{id}", Ct);
        detail.GetProperty("alert").GetProperty("state").GetString().ShouldBe("resolved");
        var finding = detail.GetProperty("finding");
        finding.GetProperty("serverName").GetString().ShouldBe("VPN01");
        finding.GetProperty("ruleId").GetString().ShouldBe(Mismatch);
        finding.GetProperty("resolvedAt").ValueKind.ShouldNotBe(JsonValueKind.Null);
        h.Time.Advance(TimeSpan.FromHours(5));
        await h.ScanAsync();
        Mine(await h.CommittedAsync()).ShouldBe(expected, "nothing after resolution");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AFindingAboutTheFleet_RaisesOneAlertNamingItsServers_AndResolvesOnceWithIt(string provider)
    {
        await using var h = await StartAsync(provider, raise: true);
        using (var saved = await h.Admin.PostAsJsonAsync("/api/v1/diagnostics/settings", new { clientCertificateIssuers = new[] { FleetFindingsTests.IssuingCa }, version = (Guid?)null }, Ct))
        {
            saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync(Ct));
        }

        var agents = await FleetFindingsTests.ThreeNpsServersAsync(h.Portal);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        (await h.EvaluateAsync()).AlertsRaised.ShouldBe(1);
        await h.ScanAsync();

        var alert = (await h.AlertsAsync()).ShouldHaveSingleItem();
        alert.Title.ShouldBe("Client certificate CA missing from NTAuth on NPS01, NPS02, NPS03");
        alert.InstalledOn.Select(i => i.ServerName).ShouldBe(["NPS01", "NPS02", "NPS03"]);
        alert.State.ShouldBe(AlertState.Firing, "the scan keeps it open while its servers report it");
        var content = h.Outbox.Calls.Single(c => c.AlertId == alert.Id).Content;
        content.Subject.ShouldBe("Critical finding on NPS01, NPS02, NPS03: Client certificate CA missing from NTAuth");
        content.Links.Select(l => (l.Text, l.Path)).ShouldBe([("Alert", $"/alerts/{alert.Id}"), ("Findings", $"/diagnostics?rule={FleetFindingsTests.Rule}")]);
        var detail = await h.OnCall.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alert.Id}", Ct);
        detail.GetProperty("finding").GetProperty("serverName").GetString().ShouldBe("NPS01, NPS02, NPS03");

        h.Time.Advance(TimeSpan.FromMinutes(1));
        foreach (var agent in agents)
        {
            await agent.ReportAsync(FleetFindingsTests.NpsReport(agent, caInNtAuth: true));
        }

        await h.EvaluateAsync();
        await h.EvaluateAsync();

        alert = (await h.AlertsAsync()).ShouldHaveSingleItem();
        alert.State.ShouldBe(AlertState.Resolved);
        alert.ResolutionDetail.ShouldBe($"The finding resolved: {FleetFindingsTests.Rule} no longer fires on NPS01, NPS02, NPS03.");
        alert.Events.Count(e => e.Kind == "resolved").ShouldBe(1);
    }

    [Fact]
    public async Task ACertificateScanThatFails_DoesNotHoldBackTheFindingAlertsEscalation_AndTheRunStillFails()
    {
        // The certificate scan cannot even be made: the job must still escalate the finding's alert, then report the failure.
        await using var h = await StartAsync(TestDatabase.Sqlite, raise: true, services => services.AddScoped<ScanAlerts>(_ => throw new InvalidOperationException("certificate scan broken")));
        await BrokenAsync(h, "VPN01");
        await h.EvaluateAsync();
        var mismatch = (await h.CriticalFindingsAsync("VPN01")).Single(f => f.RuleId == Mismatch);
        var alert = (await h.AlertsAsync()).Single(a => a.FindingId == mismatch.Id);
        var before = (await h.CommittedAsync()).Count(c => c.StartsWith($"alert:{alert.Id}:", StringComparison.Ordinal));

        h.Time.Advance(TimeSpan.FromMinutes(31));
        var failed = await Should.ThrowAsync<InvalidOperationException>(h.ScanAsync);

        failed.Message.ShouldBe("certificate scan broken");
        (await h.CommittedAsync()).Count(c => c.StartsWith($"alert:{alert.Id}:", StringComparison.Ordinal))
            .ShouldBeGreaterThan(before, "the next person was told about the finding although the certificate scan failed");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task SettingOff_ACriticalFindingRaisesNothing(string provider)
    {
        await using var h = await StartAsync(provider, raise: false);
        await BrokenAsync(h, "VPN01");

        var outcome = await h.EvaluateAsync();
        h.Time.Advance(TimeSpan.FromHours(5));
        await h.ScanAsync();

        outcome.Opened.ShouldBeGreaterThan(0);
        (await h.CriticalFindingsAsync("VPN01")).ShouldNotBeEmpty("the finding itself opens");
        outcome.AlertsRaised.ShouldBe(0);
        (await h.AlertsAsync()).ShouldBeEmpty();
        (await h.CommittedAsync()).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AWarningFinding_RaisesNothing(string provider)
    {
        await using var h = await StartAsync(provider, raise: true);
        var agent = await h.Portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await h.Portal.InScopeAsync(async sp =>
        {
            // SSTP only: the test certificate is no IKEv2 certificate, which would be critical.
            var db = sp.GetRequiredService<PortalDbContext>();
            var server = await db.RrasServers.SingleAsync(s => s.Id == agent.ServerId, Ct);
            server.Protocols = VpnProtocols.Sstp;
            await db.SaveChangesAsync(Ct);
        });
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var healthy = Snapshots.Rras(agent, agent.Next(), []);
        await agent.ReportAsync(healthy with { Rras = healthy.Rras! with { SslBindings = [healthy.Rras.SslBindings[0]] } });

        var outcome = await h.EvaluateAsync();
        h.Time.Advance(TimeSpan.FromHours(5));
        await h.ScanAsync();

        await using var db = h.Portal.Database.CreateContext();
        var opened = await db.DiagnosticFindings.AsNoTracking().Where(f => f.ResolvedAt == null).Select(f => new { f.RuleId, f.Severity }).ToListAsync(Ct);
        opened.ShouldContain(f => f.RuleId == "sstp.binding-incomplete", "only the IPv4 binding: a warning. " + string.Join(",", opened));
        opened.ShouldAllBe(f => f.Severity < 3);
        outcome.AlertsRaised.ShouldBe(0);
        (await h.AlertsAsync()).ShouldBeEmpty();
        (await h.CommittedAsync()).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ASuppressedRule_RaisesNothingOnThatServer_WhileTheSameFindingElsewhereAlerts(string provider)
    {
        await using var h = await StartAsync(provider, raise: true);
        await BrokenAsync(h, "VPN02");
        await h.EvaluateAsync();
        var rules = (await h.CriticalFindingsAsync("VPN02")).Select(f => f.RuleId).ToList();
        rules.ShouldNotBeEmpty();
        var vpn01 = await h.Portal.EnrollAsync(ServerRole.Rras, "VPN01");
        foreach (var rule in rules)
        {
            using var suppressed = await h.Admin.PostAsJsonAsync(
                "/api/v1/suppressions", new { server = "VPN01", rule, reason = "IIS test site until Friday", expiresAt = h.Time.GetUtcNow().AddDays(3) }, Ct);
            suppressed.StatusCode.ShouldBe(HttpStatusCode.Created, await suppressed.Content.ReadAsStringAsync(Ct));
        }

        h.Time.Advance(TimeSpan.FromMinutes(1));
        await vpn01.ReportAsync(DiagnosticsPortal.WithIpv6Binding(vpn01, DiagnosticsPortal.Stranger));
        var outcome = await h.EvaluateAsync();
        h.Time.Advance(TimeSpan.FromHours(5));
        await h.ScanAsync();

        outcome.Suppressed.ShouldBe(rules.Count);
        outcome.AlertsRaised.ShouldBe(0);
        (await h.AlertsAsync()).ShouldAllBe(a => !a.Title.Contains("VPN01"));
        (await h.AlertsAsync()).Count.ShouldBe(rules.Count, "VPN02's alerts, opened before");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ASilencedServer_OpensTheAlertQuietly_AndNotifiesWhenTheSilenceEnds(string provider)
    {
        await using var h = await StartAsync(provider, raise: true);
        var agent = await h.Portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var silence = await h.Portal.InScopeAsync(sp => sp.GetRequiredService<Silences>().CreateAsync(
            new Silences.Request(SilenceScope.Server, null, agent.ServerId, TimeSpan.FromHours(2), "moving the rack"), AuditActor.System, Ct));
        silence.Succeeded.ShouldBeTrue();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await agent.ReportAsync(DiagnosticsPortal.WithIpv6Binding(agent, DiagnosticsPortal.Stranger));

        (await h.EvaluateAsync()).AlertsRaised.ShouldBeGreaterThan(0);
        h.Time.Advance(TimeSpan.FromHours(1));
        await h.ScanAsync();
        (await h.CommittedAsync()).ShouldBeEmpty("silenced: visible, but nobody is paged");

        h.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        await h.ScanAsync();

        var alerts = await h.AlertsAsync();
        (await h.CommittedAsync()).ShouldBe(alerts.Select(a => $"alert:{a.Id}:finding|{Primary}"), ignoreOrder: true);
    }
    [Fact]
    public async Task AnAdminAcknowledgingTheFinding_StopsTheAlertsEscalation()
    {
        await using var h = await StartAsync(TestDatabase.Sqlite, raise: true);
        await BrokenAsync(h, "VPN01");
        await h.EvaluateAsync();
        var findings = await h.CriticalFindingsAsync("VPN01");
        foreach (var finding in findings)
        {
            using var ack = await h.Admin.PostAsJsonAsync($"/api/v1/findings/{finding.Id}/acknowledge", new { reason = "IIS site removed tonight" }, Ct);
            ack.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var first = await h.CommittedAsync();
        h.Time.Advance(TimeSpan.FromHours(5));
        await h.ScanAsync();

        first.Count.ShouldBe(findings.Count, "each finding's first message, before it was acknowledged");
        (await h.CommittedAsync()).ShouldBe(first, "known to an admin: no escalation, no repeat");
        (await h.AlertsAsync()).ShouldAllBe(a => a.State == AlertState.Firing, "the alert itself was not acknowledged by anyone on call");
    }
}
