using System.Globalization;

namespace VpnPortal.Domain.Naming;

/// <summary>Validation of the names admins type for servers (RFC 1123 host names and FQDNs).</summary>
public static class HostNames
{
    public const int MaxFqdnLength = 253;
    public const int MaxLabelLength = 63;

    /// <summary>A single host name label, as Windows computer names are: letters, digits, hyphens.</summary>
    public static string? ValidateHostName(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "Enter the server's host name.";
        }

        if (value.Contains('.'))
        {
            return "Enter the host name without the domain (for example VPN01); the DNS name has its own field.";
        }

        return ValidateLabel(value.Trim(), "The host name");
    }

    /// <summary>A fully qualified DNS name such as vpn.corp.example (at least two labels, no trailing dot).</summary>
    public static string? ValidateFqdn(string? value, string what = "The DNS name")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{what} is required.";
        }

        var name = value.Trim();
        if (name.Length > MaxFqdnLength)
        {
            return $"{what} is {name.Length} characters long; DNS names have at most {MaxFqdnLength}.";
        }

        if (name.Contains("://", StringComparison.Ordinal) || name.Contains('/'))
        {
            return $"{what} must be a host name such as vpn.corp.example, not a URL.";
        }

        if (name.Contains(':'))
        {
            return $"{what} must not include a port; the SSTP port has its own field.";
        }

        if (name.EndsWith('.'))
        {
            return $"{what} must not end with a dot.";
        }

        var labels = name.Split('.');
        if (labels.Length < 2)
        {
            return $"{what} must be fully qualified, for example vpn.corp.example.";
        }

        foreach (var label in labels)
        {
            var error = ValidateLabel(label, $"{what} '{name}'");
            if (error is not null)
            {
                return error;
            }
        }

        if (labels[^1].All(char.IsAsciiDigit))
        {
            return $"{what} must be a DNS name, not an IP address.";
        }

        return null;
    }

    /// <summary>Lower-case form used to compare names (DNS is case-insensitive).</summary>
    public static string Normalize(string value) => value.Trim().TrimEnd('.').ToLowerInvariant();

    private static string? ValidateLabel(string label, string what)
    {
        if (label.Length == 0)
        {
            return $"{what} has an empty part (two dots in a row?).";
        }

        if (label.Length > MaxLabelLength)
        {
            return $"{what} has a part of {label.Length} characters; each part may have at most {MaxLabelLength}.";
        }

        foreach (var c in label)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                var shown = char.IsControl(c) || char.IsWhiteSpace(c)
                    ? $"U+{(int)c:X4}"
                    : c.ToString(CultureInfo.InvariantCulture);
                return $"{what} contains '{shown}'; only letters a-z, digits and hyphens are allowed.";
            }
        }

        if (label[0] == '-' || label[^1] == '-')
        {
            return $"{what} has a part that starts or ends with a hyphen.";
        }

        return null;
    }
}
