namespace VpnPortal.Domain.Alerts;

/// <summary>A watched certificate as the scan sees it: when it ends and what it is for.</summary>
public readonly record struct WatchedExpiry(DateTimeOffset NotAfter, int PurposeMask);

/// <summary>The pure part of an alert scan: which certificates are at which step now.</summary>
public static class AlertScan
{
    /// <summary>Every certificate at a step, by its index in <paramref name="certificates"/>, with its step.</summary>
    public static List<(int Index, AlertStep Step)> Due(IReadOnlyList<WatchedExpiry> certificates, DateTimeOffset now, ExpiryThresholds thresholds)
    {
        var due = new List<(int, AlertStep)>();
        for (var i = 0; i < certificates.Count; i++)
        {
            var c = certificates[i];
            if (thresholds.StepAt(c.NotAfter, now, c.PurposeMask) is { } step)
            {
                due.Add((i, step));
            }
        }

        return due;
    }
}
