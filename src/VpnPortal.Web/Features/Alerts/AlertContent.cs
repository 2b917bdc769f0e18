using VpnPortal.Data.Entities;
using VpnPortal.Domain.Alerts;
using VpnPortal.Domain.Certificates;
using VpnPortal.Web.Features.Notifications;

namespace VpnPortal.Web.Features.Alerts;

/// <summary>What an alert's messages say: what expires and what for, when, where it is installed, and where to act.</summary>
public static class AlertContent
{
    public static NotificationContent For(Alert alert, NotificationKind kind)
    {
        var name = DistinguishedNames.ShortName(alert.Subject);
        var purposes = string.Join(", ", alert.Purposes.Select(PurposeText));
        var step = alert.StepDays is { } days ? new AlertStep(days) : (AlertStep?)null;
        var when = step is { IsExpired: true } ? "has expired" : "expires soon";
        var prefix = kind switch
        {
            NotificationKind.Repeat => "Still unacknowledged: ",
            NotificationKind.Escalation => "Escalated: ",
            _ => "",
        };
        var subject = $"{prefix}Certificate {name} {when}{(purposes.Length > 0 ? $" ({purposes})" : "")}";
        var summary = $"{name} (thumbprint {alert.Sha1Thumbprint}) {when}; it is installed in {alert.InstalledOn.Count} " +
            $"{(alert.InstalledOn.Count == 1 ? "place" : "places")}. Renew it and roll it out, or acknowledge the alert.";
        var links = new List<NotificationLink> { new("Alert", $"/alerts/{alert.Id}") };
        if (alert.CertificateId is { } certificateId)
        {
            links.Add(new NotificationLink("Certificate", $"/certificates/{certificateId}"));
        }

        var sstpServer = alert.InstalledOn.FirstOrDefault(i => i.ServerId is not null && i.Purposes.Contains(nameof(CertificatePurpose.Sstp)));
        links.Add(new NotificationLink("Start an SSTP rollout", sstpServer is null ? "/rotations/new" : $"/rotations/new?server={sstpServer.ServerId}"));
        return new NotificationContent(
            SeverityText(alert.Severity),
            subject,
            summary,
            alert.NotAfter,
            alert.InstalledOn.Select(Where).ToList(),
            links);
    }

    /// <summary>
    /// A critical finding's messages: which rule fires on which server (or servers, for a finding about the fleet), what it
    /// means and how to fix it, with links to the alert and the server's page (the rule's findings for the fleet). The fix
    /// is in the summary: there is no certificate to say "installed on" of.
    /// </summary>
    public static NotificationContent ForFinding(Alert alert, DiagnosticFinding finding, string serverName, string serverPath, NotificationKind kind)
    {
        var prefix = kind switch
        {
            NotificationKind.Repeat => "Still unacknowledged: ",
            NotificationKind.Escalation => "Escalated: ",
            _ => "",
        };
        var fix = finding.FixSteps.Count == 0 ? "" : " Fix: " + string.Join(" ", finding.FixSteps.Select((s, i) => $"{i + 1}) {s}"));
        var summary = $"{serverName} (rule {finding.RuleId}): {finding.Summary}{fix}";
        return new NotificationContent(
            SeverityText(alert.Severity),
            $"{prefix}Critical finding on {serverName}: {finding.Title}",
            summary,
            null,
            [],
            [new NotificationLink("Alert", $"/alerts/{alert.Id}"), new NotificationLink(finding.ServerId is null ? "Findings" : $"Server {serverName}", serverPath)]);
    }

    /// <summary>"RRAS-01 · Personal (SSTP server certificate)"; a finding's alert has only its server.</summary>
    public static string Where(AlertInstallation i) => i.Store.Length == 0 ? i.ServerName :
        $"{i.ServerName} · {i.Store}{(i.Purposes.Count > 0 ? $" ({string.Join(", ", i.Purposes.Select(PurposeText))})" : "")}";

    public static string PurposeText(string purpose) =>
        Enum.TryParse<CertificatePurpose>(purpose, out var p) ? CertificatePurposes.Describe(p) : purpose;

    public static string SeverityText(int severity) => ((AlertSeverity)severity).ToString().ToLowerInvariant();
}
