using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Alerts;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Alerts;

/// <summary>The alerts list and its filters, one alert with its places, timeline and deliveries (acknowledged from the page), and silences.</summary>
public sealed class AlertPagesTests : IAsyncDisposable
{
    private const string Sha1 = "A1B2C3D4E5F60718293A4B5C6D7E8F9011223344";

    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _ctx.Time.GetUtcNow();

    public async ValueTask DisposeAsync() => await _ctx.DisposeAsync();

    private async Task<Guid> AlertAsync(string title, AlertState state, int severity, Action<Alert>? configure = null)
    {
        await using var db = _ctx.Db();
        var alert = new Alert
        {
            Id = Guid.NewGuid(),
            Kind = AlertKind.CertificateExpiry,
            Key = $"cert:{title}",
            OpenKey = state == AlertState.Resolved ? null : $"cert:{title}",
            Sha1Thumbprint = Sha1,
            Title = title,
            Subject = $"CN={title}",
            NotAfter = Now.AddDays(2),
            Purposes = ["Sstp"],
            InstalledOn =
            [
                new AlertInstallation { ServerName = "RRAS-01", Store = "My", Purposes = ["Sstp"] },
                new AlertInstallation { ServerName = "RRAS-02", Store = "My", Purposes = ["Sstp"] },
            ],
            Severity = severity,
            StepDays = 3,
            State = state,
            OpenedAt = Now.AddDays(-1),
            LastEvaluatedAt = Now,
        };
        if (state == AlertState.Acknowledged)
        {
            (alert.AcknowledgedAt, alert.AcknowledgedBy, alert.AcknowledgementNote) = (Now.AddHours(-1), "Ana Lopez", "ordering it");
        }

        if (state == AlertState.Resolved)
        {
            (alert.ResolvedAt, alert.ResolutionReason, alert.ResolutionDetail) = (Now.AddHours(-2), 2, "Replaced by vpn.corp.example (thumbprint FF).");
        }

        configure?.Invoke(alert);
        db.Alerts.Add(alert);
        db.AlertEvents.Add(new AlertEvent { Id = Guid.NewGuid(), AlertId = alert.Id, At = alert.OpenedAt, Kind = "opened", Text = "Opened: expires soon." });
        await db.SaveChangesAsync(Ct);
        return alert.Id;
    }

    /// <summary>Chooses <paramref name="value"/> in the filter labelled <paramref name="label"/>, as picking it from its list does.</summary>
    private static Task SelectAsync(IRenderedComponent<AlertsPage> cut, string label, string value)
    {
        var select = cut.FindComponents<MudBlazor.MudSelect<string>>().Single(s => s.Instance.Label == label);
        return cut.InvokeAsync(() => select.Instance.SelectOption(value));
    }

    private static IReadOnlyList<string> Titles(IRenderedComponent<AlertsPage> cut) =>
        cut.FindAll(".alert-row a.strong").Select(a => a.TextContent).Order().ToList();

    [Fact]
    public async Task AlertsPage_ListsOpenAlertsFirst_AndFiltersByStateKindAndSeverity()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        await AlertAsync("firing.corp.example", AlertState.Firing, 3);
        await AlertAsync("acked.corp.example", AlertState.Acknowledged, 2);
        await AlertAsync("old.corp.example", AlertState.Resolved, 1);
        await AlertAsync("HTTP.sys binding differs on VPN01", AlertState.Firing, 3, a =>
        {
            (a.Kind, a.Key, a.OpenKey, a.Sha1Thumbprint, a.Subject, a.NotAfter, a.StepDays) = (AlertKind.Finding, "finding:x", "finding:x", null, "sstp.binding-mismatch", null, null);
            (a.Purposes, a.InstalledOn) = ([], [new AlertInstallation { ServerName = "VPN01" }]);
        });

        var cut = _ctx.Bunit.Render<AlertsPage>();

        cut.WaitForAssertion(() => Titles(cut).ShouldBe(["acked.corp.example", "firing.corp.example", "HTTP.sys binding differs on VPN01"]));
        var acked = cut.FindAll(".alert-row").Single(r => r.TextContent.Contains("acked.corp.example"));
        acked.TextContent.ShouldContain("by Ana Lopez");
        acked.TextContent.ShouldContain("RRAS-01 · Personal (SSTP server certificate)");
        var finding = cut.FindAll(".alert-row").Single(r => r.QuerySelector("[data-kind=finding]") is not null);
        finding.TextContent.ShouldContain("sstp.binding-mismatch");
        finding.TextContent.ShouldContain("VPN01");

        await SelectAsync(cut, "State", "resolved");
        cut.WaitForAssertion(() => Titles(cut).ShouldBe(["old.corp.example"]));
        cut.Find(".alert-row").TextContent.ShouldContain("Replaced by vpn.corp.example");

        await SelectAsync(cut, "State", "acknowledged");
        cut.WaitForAssertion(() => Titles(cut).ShouldBe(["acked.corp.example"]));

        await SelectAsync(cut, "State", "open");
        await SelectAsync(cut, "Kind", ListAlerts.FindingKind);
        cut.WaitForAssertion(() => Titles(cut).ShouldBe(["HTTP.sys binding differs on VPN01"]));

        await SelectAsync(cut, "Kind", ListAlerts.CertificateExpiryKind);
        await SelectAsync(cut, "Severity at least", "Critical");
        cut.WaitForAssertion(() => Titles(cut).ShouldBe(["firing.corp.example"]));

        await SelectAsync(cut, "State", "resolved");
        cut.WaitForAssertion(() => cut.Find("#no-alerts").TextContent.ShouldContain("No resolved alerts"));
    }

    [Fact]
    public async Task AlertPage_ShowsPlacesTimelineAndDeliveries_AndAnOnCallUserAcknowledgesFromIt()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        var id = await AlertAsync("vpn.corp.example", AlertState.Firing, 3);
        await using (var db = _ctx.Db())
        {
            db.NotificationOutbox.AddRange(
                new NotificationOutboxMessage { Id = Guid.NewGuid(), SourceKey = $"alert:{id}:threshold:3", AlertId = id, RecipientUserId = Guid.NewGuid(), Channel = "in-portal", ContentJson = "{}", State = OutboxState.Delivered, Attempts = 1, CreatedAt = Now.AddMinutes(-20), NextAttemptAt = Now, DeliveredAt = Now.AddMinutes(-20) },
                new NotificationOutboxMessage { Id = Guid.NewGuid(), SourceKey = $"alert:{id}:threshold:3", AlertId = id, RecipientUserId = Guid.NewGuid(), Channel = "email", ContentJson = "{}", State = OutboxState.Failed, Attempts = 2, CreatedAt = Now.AddMinutes(-20), NextAttemptAt = Now.AddMinutes(5), LastError = "554 relay refused" });
            await db.SaveChangesAsync(Ct);
        }

        var cut = _ctx.Bunit.Render<AlertPage>(p => p.Add(x => x.Id, id));

        cut.WaitForAssertion(() => cut.Find("#alert-state").TextContent.ShouldBe("firing"));
        cut.FindAll("#alert-installed-on tbody tr").Select(r => r.Children[0].TextContent).ShouldBe(["RRAS-01", "RRAS-02"]);
        cut.Find("#alert-installed-on").TextContent.ShouldContain("Personal");
        cut.Find("#alert-timeline").TextContent.ShouldContain("Opened: expires soon.");
        var deliveries = cut.FindAll("#alert-notifications tbody tr");
        deliveries.Count.ShouldBe(2);
        deliveries.Select(r => r.TextContent).ShouldContain(t => t.Contains("554 relay refused") && t.Contains("Failed"));
        cut.Find("#alert-facts").TextContent.ShouldContain(Sha1);

        cut.Find("#ack-note").Change("renewing it today");
        cut.Find("#ack-button").Click();

        cut.WaitForAssertion(() => cut.Find("#alert-state").TextContent.ShouldBe("acknowledged"));
        cut.Find("#alert-acknowledged").TextContent.ShouldContain("renewing it today");
        cut.FindAll("#ack-button").ShouldBeEmpty();
        cut.Find("#alert-timeline").TextContent.ShouldContain("Acknowledged: renewing it today");
        await using var check = _ctx.Db();
        var alert = await check.Alerts.AsNoTracking().SingleAsync(a => a.Id == id, Ct);
        (alert.State, alert.AcknowledgedBy, alert.AcknowledgedByUserId).ShouldBe((AlertState.Acknowledged, "oncall@corp.example", PortalComponentContext.AdminId));
        (await check.AuditEntries.SingleAsync(a => a.Action == "alert.acknowledged", Ct)).Actor.ShouldBe("oncall@corp.example");
    }

    [Fact]
    public async Task AlertPage_ForAUserWithoutOnCall_ShowsNoAcknowledgeForm_AndChangesNothing()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.User);
        var id = await AlertAsync("vpn.corp.example", AlertState.Firing, 3);

        var cut = _ctx.Bunit.Render<AlertPage>(p => p.Add(x => x.Id, id));

        cut.WaitForAssertion(() => cut.Find("#alert-state").TextContent.ShouldBe("firing"));
        cut.FindAll("#alert-acknowledge").ShouldBeEmpty();
        cut.FindAll("#ack-button").ShouldBeEmpty();
        await using var db = _ctx.Db();
        (await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == id, Ct)).State.ShouldBe(AlertState.Firing);
    }

    [Fact]
    public async Task AlertPage_ForAFindingsAlert_ShowsTheRuleServerAndFix_InsteadOfInstallations()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        var (serverId, _) = await FleetSeed.RrasServerAsync(_ctx, "VPN01", Now, Ct, withAgent: false);
        var findingId = Guid.NewGuid();
        await using (var db = _ctx.Db())
        {
            db.DiagnosticFindings.Add(new DiagnosticFinding
            {
                Id = findingId,
                ServerId = serverId,
                RuleId = "sstp.binding-mismatch",
                Severity = 3,
                Title = "HTTP.sys binding differs from the SSTP certificate",
                Summary = "The certificate HTTP.sys serves is not the one RRAS uses.",
                Evidence = [new() { Label = "Port", Value = "443" }],
                FixSteps = ["netsh http delete sslcert ipport=[::]:443", "Restart-Service RemoteAccess"],
                OpenedAt = Now,
                LastSeenAt = Now,
            });
            await db.SaveChangesAsync(Ct);
        }

        var id = await AlertAsync("HTTP.sys binding differs from the SSTP certificate on VPN01", AlertState.Firing, 3, a =>
        {
            (a.Kind, a.Key, a.OpenKey, a.FindingId, a.Sha1Thumbprint, a.Subject, a.NotAfter, a.StepDays) = (AlertKind.Finding, $"finding:{findingId}", $"finding:{findingId}", findingId, null, "sstp.binding-mismatch", null, null);
            (a.Purposes, a.InstalledOn) = ([], [new AlertInstallation { ServerId = serverId, ServerName = "VPN01" }]);
        });

        var cut = _ctx.Bunit.Render<AlertPage>(p => p.Add(x => x.Id, id));

        cut.WaitForAssertion(() => cut.Find("#alert-rule").TextContent.ShouldBe("sstp.binding-mismatch"));
        cut.Find("#alert-server a").GetAttribute("href").ShouldBe($"servers/rras/{serverId}");
        cut.FindAll("#alert-fix li").Select(l => l.TextContent).ShouldBe(["netsh http delete sslcert ipport=[::]:443", "Restart-Service RemoteAccess"]);
        cut.Find("#alert-finding").TextContent.ShouldContain("The certificate HTTP.sys serves is not the one RRAS uses.");
        cut.FindAll("#alert-installed-on").ShouldBeEmpty();
        cut.Find("#alert-facts").TextContent.ShouldNotContain("rotation");
        cut.FindAll("#ack-button").Count.ShouldBe(1);
    }

    [Fact]
    public async Task SilencesPage_RefusesAMissingReasonAndAnEndInThePast_ThenSilencesAndLiftsWithConfirmation()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        var dialogs = _ctx.Bunit.Render<MudBlazor.MudDialogProvider>();
        var cut = _ctx.Bunit.Render<SilencesPage>();
        cut.WaitForAssertion(() => cut.Find("#no-silences"));

        cut.Find("#silence-sha1").Change(Sha1.ToLowerInvariant());
        cut.Find("#silence-create").Click();
        cut.WaitForAssertion(() => FieldError(cut, "silence-reason").ShouldContain("Say why notifications should stop"));

        cut.Find("#silence-reason").Change("renewal booked for Friday");
        cut.Find("#silence-hours").Change("-2");
        cut.Find("#silence-create").Click();
        cut.WaitForAssertion(() => FieldError(cut, "silence-hours").ShouldContain("A silence lasts from 5 minutes to 30 days."));
        cut.FindAll(".silence-row").ShouldBeEmpty();
        await using (var db = _ctx.Db())
        {
            (await db.AlertSilences.CountAsync(Ct)).ShouldBe(0, "refused: nothing written");
        }

        cut.Find("#silence-hours").Change("48");
        cut.Find("#silence-create").Click();

        cut.WaitForAssertion(() => cut.FindAll(".silence-row").Count.ShouldBe(1));
        cut.FindAll(".mud-input-error").ShouldBeEmpty();
        var row = cut.Find(".silence-row");
        row.TextContent.ShouldContain(Sha1);
        row.TextContent.ShouldContain("renewal booked for Friday");
        row.TextContent.ShouldContain("oncall@corp.example");
        await using (var db = _ctx.Db())
        {
            var silence = await db.AlertSilences.AsNoTracking().SingleAsync(Ct);
            (silence.Scope, silence.Sha1Thumbprint).ShouldBe((SilenceScope.Certificate, Sha1));
            silence.EndsAt.ShouldBe(Now.AddHours(48), TimeSpan.FromMilliseconds(1));
        }

        cut.Find(".silence-row button").Click();
        dialogs.WaitForAssertion(() => DialogButton(dialogs, "Cancel").Click());
        cut.WaitForAssertion(() => cut.FindAll(".silence-row button").Count.ShouldBe(1));
        cut.Find(".silence-row button").Click();
        dialogs.WaitForAssertion(() => DialogButton(dialogs, "End now").Click());

        cut.WaitForAssertion(() => cut.Find(".silence-row").TextContent.ShouldContain("ended early by oncall@corp.example"));
        cut.FindAll(".silence-row button").ShouldBeEmpty();
        await using var after = _ctx.Db();
        (await after.AlertSilences.AsNoTracking().SingleAsync(Ct)).EndedEarlyAt.ShouldNotBeNull().ShouldBe(Now, TimeSpan.FromMilliseconds(1));
    }

    private static IElement DialogButton(IRenderedComponent<MudBlazor.MudDialogProvider> dialogs, string text) =>
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == text);

    /// <summary>The error MudBlazor shows under the field whose input has this id.</summary>
    private static string FieldError(IRenderedComponent<SilencesPage> cut, string inputId) =>
        cut.Find($"#{inputId}").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text")?.TextContent ?? "";
}
