using System.Globalization;

namespace VpnPortal.Domain.Alerts;

/// <summary>How urgent an alert is; it only rises as a certificate passes thresholds.</summary>
public enum AlertSeverity
{
    Notice = 1,
    Warning = 2,
    Critical = 3,
    Expired = 4,
}

/// <summary>
/// The threshold a certificate has passed: <see cref="Days"/> before expiry, or 0 once it has expired. A smaller
/// number is a later, more urgent step.
/// </summary>
public readonly record struct AlertStep(int Days)
{
    public static readonly AlertStep Expired = new(0);

    /// <summary>
    /// The one step of a critical diagnostics finding's alert: notified once when the finding opens, never followed by
    /// a later one (it is later than every expiry step, so it also counts as critical).
    /// </summary>
    public static readonly AlertStep Finding = new(-1);

    public bool IsExpired => Days == 0;

    public bool IsFinding => Days < 0;

    /// <summary>"14", "expired" or "finding": the step's part of a notification's source key.</summary>
    public string Key => IsFinding ? "finding" : IsExpired ? "expired" : Days.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether this step is later (more urgent) than <paramref name="other"/>; any step is later than none.</summary>
    public bool IsLaterThan(AlertStep? other) => other is not { } o || Days < o.Days;

    public AlertSeverity Severity => Days switch
    {
        0 => AlertSeverity.Expired,
        <= 3 => AlertSeverity.Critical,
        <= 14 => AlertSeverity.Warning,
        _ => AlertSeverity.Notice,
    };

    public override string ToString() => IsFinding ? "critical finding" : IsExpired ? "expired" : Days == 1 ? "1 day before expiry" : $"{Days} days before expiry";
}

/// <summary>
/// Days before expiry at which a certificate alerts, with overrides per purpose. A certificate with several purposes
/// takes every one of their thresholds (the earliest warning wins). A purpose overridden with no days is not watched;
/// a certificate whose purposes are all unwatched never alerts, not even when it expires.
/// </summary>
public sealed class ExpiryThresholds
{
    public static readonly IReadOnlyList<int> DefaultDays = [30, 14, 7, 3, 1];

    /// <summary>The largest number of days a threshold may be (ten years).</summary>
    public const int MaxDays = 3650;

    private readonly int[][] _byMask;

    public ExpiryThresholds(IReadOnlyCollection<int>? days = null, IReadOnlyDictionary<CertificatePurpose, IReadOnlyCollection<int>>? overrides = null)
    {
        var errors = Validate(days, overrides);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors));
        }

        Days = Normalise(days ?? DefaultDays);
        Overrides = (overrides ?? new Dictionary<CertificatePurpose, IReadOnlyCollection<int>>()).ToDictionary(o => o.Key, o => (IReadOnlyList<int>)Normalise(o.Value));

        // Every combination of purposes, worked out once: the scan then looks a certificate's thresholds up by its mask.
        _byMask = new int[1 << PurposeMask.Bits][];
        for (var mask = 0; mask < _byMask.Length; mask++)
        {
            _byMask[mask] = PurposeMask.Purposes(mask).SelectMany(For).Distinct().OrderDescending().ToArray();
        }
    }

    /// <summary>
    /// The most days before expiry at which any certificate in <paramref name="store"/> alerts, whatever it is used for
    /// there: one that expires later than that from now is at no step, so a scan need not read it. Null when no purpose
    /// of that store is watched (not even an expired certificate there alerts).
    /// </summary>
    public int? LargestDaysIn(WatchedStore store)
    {
        var days = CertificatePurposes.PossibleIn(store).SelectMany(For).ToList();
        return days.Count == 0 ? null : days.Max();
    }

    /// <summary>The default days, largest first.</summary>
    public IReadOnlyList<int> Days { get; }

    public IReadOnlyDictionary<CertificatePurpose, IReadOnlyList<int>> Overrides { get; }

    /// <summary>What is wrong with a configuration, for people; empty when it is usable.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyCollection<int>? days, IReadOnlyDictionary<CertificatePurpose, IReadOnlyCollection<int>>? overrides)
    {
        var errors = new List<string>();
        if (days is not null)
        {
            Check("Alerts:ThresholdDays", days, errors);
        }

        foreach (var (purpose, list) in overrides ?? new Dictionary<CertificatePurpose, IReadOnlyCollection<int>>())
        {
            if (!Enum.IsDefined(purpose))
            {
                errors.Add($"{(int)purpose} is not a certificate purpose.");
                continue;
            }

            Check($"Alerts:PurposeThresholdDays:{purpose}", list, errors);
        }

        return errors;
    }

    /// <summary>The days one purpose alerts at, largest first (the override, else the defaults).</summary>
    public IReadOnlyList<int> For(CertificatePurpose purpose) => Overrides.TryGetValue(purpose, out var days) ? days : Days;

    /// <summary>The days a certificate with these purposes alerts at, largest first; empty when it is not watched.</summary>
    public IReadOnlyList<int> For(int purposeMask) => _byMask[purposeMask & PurposeMask.All];

    /// <summary>
    /// The step a certificate is at: <see cref="AlertStep.Expired"/> once <paramref name="now"/> is past its not-after
    /// time; else the smallest threshold whose day has come (now at or after not-after minus that many days); null before
    /// the first threshold or when no threshold applies.
    /// </summary>
    public static AlertStep? StepAt(DateTimeOffset notAfter, DateTimeOffset now, IReadOnlyList<int> daysLargestFirst)
    {
        if (daysLargestFirst.Count == 0)
        {
            return null;
        }

        if (now > notAfter)
        {
            return AlertStep.Expired;
        }

        var left = notAfter - now;
        AlertStep? step = null;
        for (var i = 0; i < daysLargestFirst.Count; i++)
        {
            if (left > TimeSpan.FromDays(daysLargestFirst[i]))
            {
                break;
            }

            step = new AlertStep(daysLargestFirst[i]);
        }

        return step;
    }

    /// <summary>The step of a certificate with these purposes (see <see cref="StepAt(DateTimeOffset, DateTimeOffset, IReadOnlyList{int})"/>).</summary>
    public AlertStep? StepAt(DateTimeOffset notAfter, DateTimeOffset now, int purposeMask) => StepAt(notAfter, now, For(purposeMask));

    private static int[] Normalise(IEnumerable<int> days) => days.Distinct().OrderDescending().ToArray();

    private static void Check(string name, IReadOnlyCollection<int> days, List<string> errors)
    {
        if (days.Any(d => d is < 1 or > MaxDays))
        {
            errors.Add($"{name}: every threshold is a whole number of days from 1 to {MaxDays} (expiry itself always alerts).");
        }

        if (days.Distinct().Count() != days.Count)
        {
            errors.Add($"{name}: a threshold is listed twice.");
        }
    }
}

/// <summary>A set of purposes as bits, so a scan over many certificates compares integers.</summary>
public static class PurposeMask
{
    internal const int Bits = 8;
    public const int All = (1 << Bits) - 1;

    public static int Of(CertificatePurpose purpose) => 1 << ((int)purpose - 1);

    public static int Of(IEnumerable<CertificatePurpose> purposes) => purposes.Aggregate(0, (mask, p) => mask | Of(p));

    public static IReadOnlyList<CertificatePurpose> Purposes(int mask) =>
        Enum.GetValues<CertificatePurpose>().Where(p => (mask & Of(p)) != 0).ToList();
}
