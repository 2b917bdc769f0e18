using VpnPortal.Data.Entities;
using VpnPortal.Domain.Phones;

namespace VpnPortal.Web.Features.MfaMethods;

/// <summary>The account whose methods are read or changed: the portal user and the name the directory knows them by.</summary>
public sealed record MfaUser(Guid Id, string DirectoryName);

/// <summary>A phone method as the provider holds it. <see cref="Number"/> is null when the provider holds something unreadable.</summary>
public sealed record MfaPhone(PhoneKind Kind, PhoneNumber? Number, string Raw)
{
    public string Masked => Number?.Masked ?? MaskRaw(Raw);

    private static string MaskRaw(string raw)
    {
        var digits = raw.Where(char.IsAsciiDigit).ToArray();
        return digits.Length <= 2 ? "••" : new string('•', digits.Length - 2) + new string(digits[^2..]);
    }
}

/// <summary>A user's MFA phone methods and preferred method, as the configured provider has them.</summary>
public sealed record MfaMethodSet(IReadOnlyList<MfaPhone> Phones, MfaMethod? Preferred)
{
    public MfaPhone? Phone(PhoneKind kind) => Phones.FirstOrDefault(p => p.Kind == kind);
}

/// <summary>
/// Where MFA phone numbers live: Microsoft Entra ID (through Microsoft Graph) or the portal's own store. The provider is
/// the source of truth: pages show what it has, and a change is done only when it has accepted it.
/// </summary>
public interface IMfaMethodProvider
{
    /// <summary>The provider as people call it, e.g. "Microsoft Entra ID".</summary>
    string DisplayName { get; }

    Task<MfaMethodSet> GetAsync(MfaUser user, CancellationToken cancellationToken);

    /// <summary>Adds the number of that kind, or changes it when the user has one.</summary>
    Task SetPhoneAsync(MfaUser user, PhoneKind kind, PhoneNumber number, CancellationToken cancellationToken);

    /// <summary>Removes the number of that kind; removing one the user does not have is not an error.</summary>
    Task RemovePhoneAsync(MfaUser user, PhoneKind kind, CancellationToken cancellationToken);

    Task SetPreferredAsync(MfaUser user, MfaMethod method, CancellationToken cancellationToken);
}

/// <summary>
/// The provider refused or failed. <see cref="Exception.Message"/> is for the user, in plain words; <see cref="Detail"/> is for
/// admins (status, error code, the provider's own message). <see cref="Transient"/>: trying later may succeed.
/// </summary>
public sealed class MfaProviderException(string message, string detail, bool transient, Exception? inner = null)
    : Exception(message, inner)
{
    public string Detail { get; } = detail;

    public bool Transient { get; } = transient;
}
