using System.Globalization;

namespace VpnPortal.Web.Features.Api;

/// <summary>A whole number from the query string (skip, take...), checked against its range; problems are collected for one 400.</summary>
public static class QueryNumber
{
    /// <summary>
    /// The value, or <paramref name="fallback"/> when it is absent; when it is not a whole number in [min, max], the
    /// fallback and an entry in <paramref name="errors"/> (<paramref name="message"/>, or one naming the range).
    /// </summary>
    public static int Read(string? value, int fallback, int min, int max, string name, Dictionary<string, string[]> errors, string? message = null)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        errors[name] = [message ?? $"{name} must be a whole number from {min} to {max}."];
        return fallback;
    }
}
