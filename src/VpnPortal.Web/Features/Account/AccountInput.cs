using System.Net.Mail;
using VpnPortal.Data.Configurations;

namespace VpnPortal.Web.Features;

/// <summary>Checks shared by every form that creates or edits an account.</summary>
public static class AccountInput
{
    public static List<string> Validate(string? email, string? displayName)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(email))
        {
            errors.Add("Enter an e-mail address.");
        }
        else if (email.Length > FieldLimits.Principal || !MailAddress.TryCreate(email.Trim(), out var parsed) || parsed.Address != email.Trim())
        {
            errors.Add("Enter a valid e-mail address, such as ana@corp.example.");
        }

        if (string.IsNullOrWhiteSpace(displayName))
        {
            errors.Add("Enter a display name.");
        }
        else if (displayName.Length > FieldLimits.Name)
        {
            errors.Add($"The display name may have at most {FieldLimits.Name} characters.");
        }
        else if (displayName.Any(char.IsControl))
        {
            errors.Add("The display name contains control characters.");
        }

        return errors;
    }
}
