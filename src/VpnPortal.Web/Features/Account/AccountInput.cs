using System.Net.Mail;
using VpnPortal.Data.Configurations;

namespace VpnPortal.Web.Features;

/// <summary>Checks shared by every form that creates or edits an account.</summary>
public static class AccountInput
{
    public static List<string> Validate(string? email, string? displayName) =>
        new[] { ValidateEmail(email), ValidateDisplayName(displayName) }.OfType<string>().ToList();

    /// <summary>The problem with an e-mail address, or null when it is acceptable.</summary>
    public static string? ValidateEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return "Enter an e-mail address.";
        }

        return email.Length > FieldLimits.Principal || !MailAddress.TryCreate(email.Trim(), out var parsed) || parsed.Address != email.Trim()
            ? "Enter a valid e-mail address, such as ana@corp.example."
            : null;
    }

    /// <summary>The problem with a display name, or null when it is acceptable.</summary>
    public static string? ValidateDisplayName(string? displayName)
    {
        if (string.IsNullOrWhiteSpace(displayName))
        {
            return "Enter a display name.";
        }

        if (displayName.Length > FieldLimits.Name)
        {
            return $"The display name may have at most {FieldLimits.Name} characters.";
        }

        return displayName.Any(char.IsControl) ? "The display name contains control characters." : null;
    }
}
