namespace VpnPortal.Domain.Naming;

/// <summary>Certificate hashes as people paste them: "ab cd ef", "AB:CD:EF", with a stray invisible mark.</summary>
public static class Thumbprints
{
    /// <summary>Upper-case hex with separators removed, or null if anything else is in it.</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var chars = new List<char>(value.Length);
        foreach (var c in value)
        {
            if (c is ' ' or ':' or '-' or '\u200e' or '\u200f' or '\ufeff')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c))
            {
                return null;
            }

            chars.Add(char.ToUpperInvariant(c));
        }

        return chars.Count == 0 ? null : new string(chars.ToArray());
    }
}
