using System.Globalization;

namespace VpnPortal.Web.Cli;

/// <summary>Durations as people type them on a command line: 90s, 30m, 1h, 2d (or a TimeSpan such as 01:30:00).</summary>
public static class Durations
{
    public static TimeSpan? Parse(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var unit = char.ToLowerInvariant(text[^1]);
        if (char.IsAsciiLetter(unit))
        {
            if (!double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || amount > 100_000)
            {
                return null;
            }

            return unit switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span : null;
    }
}
