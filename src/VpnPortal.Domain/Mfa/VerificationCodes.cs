using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VpnPortal.Domain.Mfa;

/// <summary>How long a code lives, how often it may be tried and how many may be sent.</summary>
public sealed record VerificationLimits(TimeSpan CodeLifetime, int MaxAttemptsPerCode, int MaxCodesPerUserPerHour, int MaxCodesPerNumberPerHour)
{
    public static readonly VerificationLimits Default = new(TimeSpan.FromMinutes(10), 5, 5, 3);
}

/// <summary>The state of one code sent to a number, as stored: only a salted hash of the code is kept.</summary>
public sealed record VerificationChallengeState(byte[] Salt, byte[] CodeHash, DateTimeOffset SentAt, DateTimeOffset ExpiresAt, int FailedAttempts, DateTimeOffset? ConfirmedAt);

public enum VerificationOutcome
{
    Confirmed,
    WrongCode,
    Malformed,
    Expired,
    TooManyAttempts,
    AlreadyUsed,
}

public sealed record VerificationCheck(VerificationOutcome Outcome, int AttemptsLeft, string Message)
{
    public bool IsConfirmed => Outcome == VerificationOutcome.Confirmed;

    /// <summary>Whether this check used up one of the code's attempts (a malformed entry does not: it tells nothing).</summary>
    public bool CountsAsAttempt => Outcome == VerificationOutcome.WrongCode;
}

/// <summary>Whether another code may be sent now, and if not, from when.</summary>
public sealed record SendDecision(bool Allowed, DateTimeOffset? RetryAt, string? Message);

/// <summary>One-time codes that prove a person holds a phone: generation, storage as a hash, checking, and the limits.</summary>
public static class VerificationCodes
{
    public const int Digits = 6;

    public static readonly TimeSpan RateWindow = TimeSpan.FromHours(1);

    /// <summary>A uniformly random six-digit code, from the system's cryptographic generator.</summary>
    public static string NewCode() =>
        RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    public static VerificationChallengeState Issue(string code, DateTimeOffset now, VerificationLimits limits)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return new VerificationChallengeState(salt, Hash(code, salt), now, now + limits.CodeLifetime, 0, null);
    }

    /// <summary>
    /// Whether a code may be sent. Both limits count codes already sent in the last hour; the refusal names the time
    /// the oldest of them leaves the window, and says nothing about who else uses the number.
    /// </summary>
    public static SendDecision MaySend(
        DateTimeOffset now,
        IReadOnlyCollection<DateTimeOffset> sentToUser,
        IReadOnlyCollection<DateTimeOffset> sentToNumber,
        VerificationLimits limits)
    {
        var since = now - RateWindow;
        var retryAt = new[]
            {
                RetryAt(sentToUser.Where(t => t > since).ToList(), limits.MaxCodesPerUserPerHour),
                RetryAt(sentToNumber.Where(t => t > since).ToList(), limits.MaxCodesPerNumberPerHour),
            }
            .Where(t => t is not null)
            .Max();

        return retryAt is null
            ? new SendDecision(true, null, null)
            : new SendDecision(false, retryAt, "Too many codes have been sent recently. Wait a while before asking for another one.");
    }

    public static VerificationCheck Check(VerificationChallengeState state, string? entered, DateTimeOffset now, VerificationLimits limits)
    {
        var left = Math.Max(0, limits.MaxAttemptsPerCode - state.FailedAttempts);
        if (state.ConfirmedAt is not null)
        {
            return new(VerificationOutcome.AlreadyUsed, 0, "This code has already been used. Ask for a new one.");
        }

        if (now >= state.ExpiresAt)
        {
            return new(VerificationOutcome.Expired, 0, "This code has expired. Ask for a new one.");
        }

        if (left == 0)
        {
            return new(VerificationOutcome.TooManyAttempts, 0, "This code was entered wrongly too many times. Ask for a new one.");
        }

        var code = Normalize(entered);
        if (code is null)
        {
            return new(VerificationOutcome.Malformed, left, $"Enter the {Digits}-digit code from the message.");
        }

        if (CryptographicOperations.FixedTimeEquals(Hash(code, state.Salt), state.CodeHash))
        {
            return new(VerificationOutcome.Confirmed, left, "The number is confirmed.");
        }

        left--;
        return left == 0
            ? new(VerificationOutcome.WrongCode, 0, "That code is not right, and it was the last try. Ask for a new code.")
            : new(VerificationOutcome.WrongCode, left, left == 1
                ? "That code is not right. One more try is left."
                : $"That code is not right. {left} more tries are left.");
    }

    /// <summary>The entered code's digits if it has exactly six of them ("123 456" and "123-456" are fine).</summary>
    public static string? Normalize(string? entered)
    {
        if (entered is null || entered.Length > 32)
        {
            return null;
        }

        var digits = new StringBuilder(Digits);
        foreach (var c in entered)
        {
            if (c is >= '0' and <= '9')
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-'))
            {
                return null;
            }
        }

        return digits.Length == Digits ? digits.ToString() : null;
    }

    private static byte[] Hash(string code, byte[] salt) => HMACSHA256.HashData(salt, Encoding.ASCII.GetBytes(code));

    private static DateTimeOffset? RetryAt(List<DateTimeOffset> inWindow, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        if (inWindow.Count < max)
        {
            return null;
        }

        // The send that must leave the window before another fits: with max sends allowed per hour, the
        // (count - max + 1)-th oldest.
        inWindow.Sort();
        return inWindow[inWindow.Count - max] + RateWindow;
    }
}
