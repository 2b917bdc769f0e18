namespace VpnPortal.Domain.Certificates;

/// <summary>Reading X.500 distinguished names as Windows prints them ("CN=vpn.corp.example, O=Corp, C=GB").</summary>
public static class DistinguishedNames
{
    /// <summary>The value of the first CN (common name), or null when there is none.</summary>
    public static string? CommonName(string? distinguishedName) =>
        Attributes(distinguishedName).Where(a => a.Type.Equals("CN", StringComparison.OrdinalIgnoreCase)).Select(a => a.Value).FirstOrDefault();

    /// <summary>A short name for lists: the common name if there is one, otherwise the whole name.</summary>
    public static string ShortName(string? distinguishedName) =>
        CommonName(distinguishedName) is { Length: > 0 } cn ? cn : distinguishedName?.Trim() ?? "";

    /// <summary>The attribute/value pairs, in order. Commas inside double quotes or escaped with \ do not split.</summary>
    public static IReadOnlyList<(string Type, string Value)> Attributes(string? distinguishedName)
    {
        var result = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(distinguishedName))
        {
            return result;
        }

        var part = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < distinguishedName.Length; i++)
        {
            var c = distinguishedName[i];
            if (c == '\\' && i + 1 < distinguishedName.Length)
            {
                part.Append(distinguishedName[++i]);
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if ((c == ',' || c == ';' || c == '+') && !quoted)
            {
                Add(result, part.ToString());
                part.Clear();
            }
            else
            {
                part.Append(c);
            }
        }

        Add(result, part.ToString());
        return result;
    }

    private static void Add(List<(string, string)> result, string part)
    {
        var eq = part.IndexOf('=');
        if (eq > 0)
        {
            result.Add((part[..eq].Trim(), part[(eq + 1)..].Trim()));
        }
    }
}
