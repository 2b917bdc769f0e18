using System.ComponentModel.DataAnnotations;
using VpnPortal.Domain.Alerts;

namespace VpnPortal.Web.Features.Alerts;

/// <summary>Certificate-expiry alerts (section "Alerts").</summary>
public sealed class AlertsOptions : IValidatableObject
{
    public const string Section = "Alerts";

    /// <summary>Days before expiry that alert; null: 30, 14, 7, 3 and 1. Expiry itself always alerts.</summary>
    public List<int>? ThresholdDays { get; set; }

    /// <summary>Per purpose (Sstp, Ikev2, NpsServer, NtAuthCa, MfaExtension, CaCertificate, OtherServerCertificate, PendingRotation): its own days; an empty list stops watching that purpose.</summary>
    public Dictionary<CertificatePurpose, List<int>> PurposeThresholdDays { get; set; } = [];

    /// <summary>How often the scan runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>An unacknowledged alert notifies again this long after its last message.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan RepeatInterval { get; set; } = EscalationPolicy.Default.RepeatInterval;

    /// <summary>An unacknowledged step reaches the next on-call person after this long.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan EscalateToNextAfter { get; set; } = EscalationPolicy.Default.EscalateToNextAfter;

    /// <summary>... and every OnCall user after this long.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan EscalateToEveryoneAfter { get; set; } = EscalationPolicy.Default.EscalateToEveryoneAfter;

    /// <summary>New critical diagnostics findings raise alerts through the same path.</summary>
    public bool RaiseForCriticalFindings { get; set; }

    public ExpiryThresholds Thresholds() => new(
        ThresholdDays,
        PurposeThresholdDays.ToDictionary(p => p.Key, p => (IReadOnlyCollection<int>)p.Value));

    public EscalationPolicy Escalation() => new(RepeatInterval, EscalateToNextAfter, EscalateToEveryoneAfter);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var error in ExpiryThresholds.Validate(ThresholdDays, PurposeThresholdDays.ToDictionary(p => p.Key, p => (IReadOnlyCollection<int>)p.Value)))
        {
            yield return new ValidationResult(error);
        }

        if (EscalateToEveryoneAfter < EscalateToNextAfter)
        {
            yield return new ValidationResult("Alerts:EscalateToEveryoneAfter must not be shorter than Alerts:EscalateToNextAfter.");
        }
    }
}
