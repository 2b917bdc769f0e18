using VpnPortal.Data.Auditing;

namespace VpnPortal.Data.Entities;

/// <summary>
/// A one-time code sent to a number a user wants to add or change to. Only a salted hash of the code is kept. Rows stay
/// after use: the hourly send limits count them, per user and per number.
/// </summary>
public sealed class PhoneVerification : IVersioned
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public PhoneKind Kind { get; set; }

    /// <summary>The number being verified, E.164 (with x and the extension for an office number).</summary>
    public string PhoneNumber { get; set; } = "";

    /// <summary>1: text message, 2: voice call.</summary>
    public int Delivery { get; set; }

    [NotAudited]
    public byte[] Salt { get; set; } = [];

    [NotAudited]
    public byte[] CodeHash { get; set; } = [];

    public DateTimeOffset SentAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int FailedAttempts { get; set; }

    /// <summary>When the right code was entered and the provider accepted the number.</summary>
    public DateTimeOffset? ConfirmedAt { get; set; }

    public Guid Version { get; set; }
}
