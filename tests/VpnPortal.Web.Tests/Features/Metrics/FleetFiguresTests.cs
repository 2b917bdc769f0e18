using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Metrics;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Metrics;

/// <summary>The aggregate read behind the database gauges, on every provider: each figure from rows made for it.</summary>
public sealed class FleetFiguresTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Read_CountsServersSessionsFindingsAlertsOutbox_AndFindsEachServersNearestExpiryPerPurpose(string provider)
    {
        await using var database = await TestDatabase.CreateMigratedAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        await using (var db = database.CreateContext())
        {
            var fleet = new FleetBuilder(db, Now);
            var vpn01 = fleet.Rras("VPN01");
            fleet.AgentFor(vpn01, lastSeen: Now.AddSeconds(-10));
            fleet.Rras("VPN02");
            fleet.AgentFor(fleet.Nps("NPS01"), lastSeen: Now.AddHours(-1));
            fleet.AgentFor(fleet.Nps("NPS02"), revokedAt: Now.AddDays(-1));
            fleet.Session(vpn01, "alice@corp.example");
            fleet.Session(vpn01, "bob@corp.example");
            fleet.Session(vpn01, "LT-1.corp.example", device: true);
            fleet.Session(vpn01, "carol@corp.example", ended: true);

            var sstp = fleet.Cert("CN=vpn.corp.example", 40);
            vpn01.Sstp.ConfiguredCertificateSha1 = sstp.Sha1Thumbprint;
            fleet.InStore(sstp, vpn01, CertificateStoreName.My, privateKey: true);
            fleet.InStore(fleet.Cert("CN=old.corp.example", -5, ekus: []), vpn01, CertificateStoreName.My);
            fleet.InStore(fleet.Cert("CN=Root A", 400), vpn01, CertificateStoreName.Root);
            fleet.InStore(fleet.Cert("CN=Root B", 100), vpn01, CertificateStoreName.Root);
            fleet.InStore(fleet.Cert("CN=Stolen", 1), vpn01, CertificateStoreName.Disallowed);

            db.DiagnosticFindings.AddRange(Finding(vpn01, "sstp-binding-mismatch", 3, resolved: false), Finding(vpn01, "sstp-binding-mismatch", 3, resolved: true));
            db.Alerts.AddRange(Alert(3, AlertState.Firing), Alert(2, AlertState.Acknowledged), Alert(4, AlertState.Resolved));
            db.NotificationOutbox.AddRange(
                Message(OutboxState.Pending, minutesAgo: 10), Message(OutboxState.Pending, minutesAgo: 2), Message(OutboxState.Failed, minutesAgo: 4),
                Message(OutboxState.GaveUp, minutesAgo: 600), Message(OutboxState.Delivered, minutesAgo: 900));
            await fleet.SaveAsync(ct);
        }

        FleetFigures figures;
        await using (var db = database.CreateContext())
        {
            figures = await FleetFigures.ReadAsync(db, Now, ReportInterval, ct);
        }

        Value(figures.Servers, ("role", "rras"), ("agent_state", "online")).ShouldBe(1);
        Value(figures.Servers, ("role", "rras"), ("agent_state", "none")).ShouldBe(1);
        Value(figures.Servers, ("role", "nps"), ("agent_state", "offline")).ShouldBe(1);
        Value(figures.Servers, ("role", "nps"), ("agent_state", "revoked")).ShouldBe(1);
        figures.Servers.Sum(v => v.Value).ShouldBe(4);
        Value(figures.Sessions, ("server", "VPN01"), ("tunnel_type", "sstp")).ShouldBe(2);
        Value(figures.Sessions, ("server", "VPN01"), ("tunnel_type", "ikev2")).ShouldBe(1);
        Value(figures.Sessions, ("server", "VPN02"), ("tunnel_type", "sstp")).ShouldBe(0, "a server without users has its zeros");
        Value(figures.OpenFindings, ("rule", "sstp-binding-mismatch"), ("severity", "critical")).ShouldBe(1);
        Value(figures.OpenAlerts, ("severity", "critical"), ("state", "firing")).ShouldBe(1);
        Value(figures.OpenAlerts, ("severity", "warning"), ("state", "acknowledged")).ShouldBe(1);
        figures.OpenAlerts.Sum(v => v.Value).ShouldBe(2, "the resolved alert is not open");
        Value(figures.CertificateExpiryDays, ("server", "VPN01"), ("purpose", "sstp")).ShouldBe(40);
        Value(figures.CertificateExpiryDays, ("server", "VPN01"), ("purpose", "other_server_certificate")).ShouldBe(-5);
        Value(figures.CertificateExpiryDays, ("server", "VPN01"), ("purpose", "ca_certificate")).ShouldBe(100);
        figures.CertificateExpiryDays.Count.ShouldBe(3, "untrusted certificates have no purpose");
        Value(figures.OutboxMessages, ("state", "pending")).ShouldBe(2);
        Value(figures.OutboxMessages, ("state", "failed")).ShouldBe(1);
        Value(figures.OutboxMessages, ("state", "gave_up")).ShouldBe(1);
        figures.OldestWaitingNotificationSeconds.ShouldBe(600, "the pending one of ten minutes ago; given up is not waiting");
    }

    private static double Value(IReadOnlyList<GaugeValue> values, params (string Name, string Value)[] labels) =>
        values.Single(v => labels.All(l => v.Labels.Contains(new KeyValuePair<string, object?>(l.Name, l.Value)))).Value;

    private static DiagnosticFinding Finding(ManagedServer server, string rule, int severity, bool resolved) => new()
    {
        Id = Guid.NewGuid(),
        ServerId = server.Id,
        RuleId = rule,
        Key = resolved ? "old" : "",
        Severity = severity,
        Title = rule,
        Summary = rule,
        OpenedAt = Now.AddDays(-1),
        LastSeenAt = Now,
        ResolvedAt = resolved ? Now.AddHours(-1) : null,
    };

    private static Alert Alert(int severity, AlertState state) => new()
    {
        Id = Guid.NewGuid(),
        Kind = AlertKind.CertificateExpiry,
        Key = $"cert:{Guid.NewGuid():N}",
        Title = "certificate",
        Severity = severity,
        State = state,
        OpenedAt = Now.AddDays(-1),
        LastEvaluatedAt = Now,
        ResolvedAt = state == AlertState.Resolved ? Now : null,
    };

    private static NotificationOutboxMessage Message(OutboxState state, int minutesAgo) => new()
    {
        Id = Guid.NewGuid(),
        SourceKey = $"test:{Guid.NewGuid():N}",
        RecipientUserId = Guid.NewGuid(),
        Channel = "email",
        ContentJson = "{}",
        State = state,
        CreatedAt = Now.AddMinutes(-minutesAgo),
        NextAttemptAt = Now,
    };
}
