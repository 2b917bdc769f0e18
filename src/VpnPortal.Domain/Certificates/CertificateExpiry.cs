namespace VpnPortal.Domain.Certificates;

public enum ExpiryState
{
    /// <summary>Its validity has not started yet.</summary>
    NotYetValid,
    Valid,

    /// <summary>Valid, but ends within <see cref="CertificateExpiry.SoonDays"/> days.</summary>
    ExpiringSoon,
    Expired,
}

/// <summary>When a certificate counts as expired or expiring soon: one rule for lists, filters and the dashboard.</summary>
public static class CertificateExpiry
{
    /// <summary>"Expiring soon" means within this many days.</summary>
    public const int SoonDays = 30;

    /// <summary>Certificates ending before this instant (and not yet expired) are expiring soon.</summary>
    public static DateTimeOffset SoonCutoff(DateTimeOffset now) => now.AddDays(SoonDays);

    /// <summary>Expired once <paramref name="notAfter"/> has passed; expiring soon when it passes before <see cref="SoonCutoff"/>.</summary>
    public static ExpiryState Classify(DateTimeOffset notBefore, DateTimeOffset notAfter, DateTimeOffset now) =>
        notAfter < now ? ExpiryState.Expired
        : notBefore > now ? ExpiryState.NotYetValid
        : notAfter < SoonCutoff(now) ? ExpiryState.ExpiringSoon
        : ExpiryState.Valid;
}
