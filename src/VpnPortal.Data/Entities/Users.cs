using Microsoft.AspNetCore.Identity;
using VpnPortal.Data.Auditing;

namespace VpnPortal.Data.Entities;

/// <summary>
/// A portal account. Identity's <c>ConcurrencyStamp</c> is already an application-managed token, so
/// user edits get the same stale-edit protection as <see cref="IVersioned"/> entities.
/// </summary>
public sealed class PortalUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";

    /// <summary>The directory sign-in name (UPN) used for VPN sessions, if different from the e-mail.</summary>
    public string? UserPrincipalName { get; set; }

    public bool IsDisabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
    public MfaMethod PreferredMfaMethod { get; set; } = MfaMethod.PhoneCall;

    /// <summary>Set by the helpdesk: the user must register MFA methods again on the next visit.</summary>
    public bool MfaReRegistrationRequired { get; set; }

    public List<MfaPhoneMethod> PhoneMethods { get; set; } = [];
}

public sealed class PortalRole : IdentityRole<Guid>
{
    public PortalRole()
    {
    }

    public PortalRole(string name)
        : base(name)
    {
        Id = Guid.NewGuid();
        NormalizedName = name.ToUpperInvariant();
    }
}

public enum MfaMethod
{
    PhoneCall = 1,
    TextMessage = 2,
    AppNotification = 3,
}

/// <summary>The phone kinds Microsoft Entra models as phone authentication methods.</summary>
public enum PhoneKind
{
    Mobile = 1,
    AlternateMobile = 2,
    Office = 3,
}

[Audited("mfa-phone-method")]
public sealed class MfaPhoneMethod : IVersioned
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public PhoneKind Kind { get; set; }

    /// <summary>E.164, e.g. +447700900123 (an office number may end in x and its extension).</summary>
    /// <remarks>Never in the audit log: the MFA feature audits the change with the number masked.</remarks>
    [NotAudited]
    public string PhoneNumber { get; set; } = "";

    public DateTimeOffset VerifiedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public Guid Version { get; set; }
}

/// <summary>A per-user key for the automation API. Only its SHA-256 is stored.</summary>
[Audited("api-key")]
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public PortalUser? User { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The key's first characters, shown in lists so a key can be recognised.</summary>
    public string Prefix { get; set; } = "";

    [NotAudited]
    public byte[] KeyHash { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>From then on the key is refused; chosen when it is created (docs/decisions/0020-accounts-hardening.md).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Written at most once a minute per key, not on every request.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>The one-time link that creates the first admin on an empty database.</summary>
public sealed class SetupToken
{
    public Guid Id { get; set; }
    [NotAudited]
    public byte[] TokenHash { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>How the portal looks to a person: light, dark, or as their operating system is set.</summary>
public enum ThemeChoice
{
    System = 0,
    Light = 1,
    Dark = 2,
}

/// <summary>A person's own look of the portal; a person without a row follows their operating system.</summary>
[Audited("display-preference")]
public sealed class DisplayPreference : IVersioned
{
    public Guid UserId { get; set; }
    public ThemeChoice Theme { get; set; }
    public Guid Version { get; set; }
}
