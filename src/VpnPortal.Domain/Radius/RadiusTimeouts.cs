namespace VpnPortal.Domain.Radius;

/// <summary>
/// How long RRAS waits for an NPS server's RADIUS answer. With phone-call MFA the answer comes only after the
/// user has picked up and pressed #, so a short timeout fails the sign-in before the user can answer.
/// </summary>
public static class RadiusTimeouts
{
    public const int MinSeconds = 1;
    public const int MaxSeconds = 600;

    /// <summary>The shortest timeout with which phone-call MFA works.</summary>
    public const int PhoneCallMfaSeconds = 60;

    public const string PhoneCallMfaWarning = "Phone-call MFA needs at least 60 s: with a shorter timeout sign-ins fail before the user answers the phone.";

    /// <summary>Why the value cannot be used, or null.</summary>
    public static string? Validate(int seconds) =>
        seconds is < MinSeconds or > MaxSeconds
            ? $"The RADIUS timeout must be between {MinSeconds} and {MaxSeconds} seconds (it is {seconds})."
            : null;

    /// <summary>True for a usable timeout that is too short for phone-call MFA.</summary>
    public static bool IsTooShortForPhoneCallMfa(int seconds) => seconds is >= MinSeconds and < PhoneCallMfaSeconds;
}
