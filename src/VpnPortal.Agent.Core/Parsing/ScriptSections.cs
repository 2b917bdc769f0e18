namespace VpnPortal.Agent.Parsing;

/// <summary>
/// Splits the output of one PowerShell run into named sections. Starting PowerShell and loading the RemoteAccess module
/// costs seconds of CPU, so one collection runs one script that writes each cmdlet's <c>ConvertTo-Json</c> text under a
/// marker line <c>##vpnportal:section NAME</c>; each section is then exactly what that cmdlet's JSON would be on its own
/// (possibly empty, as 5.1 writes nothing for an empty pipeline).
/// </summary>
public static class ScriptSections
{
    public const string Marker = "##vpnportal:section ";

    public static IReadOnlyDictionary<string, string> Split(string output, string source)
    {
        ArgumentNullException.ThrowIfNull(output);
        var sections = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var lines = output.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string? name = null;
        var body = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith(Marker, StringComparison.Ordinal))
            {
                Close();
                name = line[Marker.Length..].Trim();
                if (name.Length == 0 || sections.ContainsKey(name))
                {
                    throw new OutputFormatException(source, name.Length == 0 ? "a section marker has no name" : $"section '{name}' appears twice", i + 1);
                }

                continue;
            }

            if (name is null && line.Trim().Length > 0)
            {
                throw new OutputFormatException(source, $"output before the first section marker: '{(line.Length > 80 ? line[..77] + "..." : line)}'", i + 1);
            }

            body.Add(line);
        }

        Close();
        return sections;

        void Close()
        {
            if (name is not null)
            {
                sections[name] = string.Join('\n', body).Trim();
            }

            body.Clear();
        }
    }

    /// <summary>A section that must be there (it may be empty).</summary>
    public static string Required(IReadOnlyDictionary<string, string> sections, string name, string source) =>
        sections.TryGetValue(name, out var text) ? text : throw new OutputFormatException(source, $"section '{name}' is missing (the script stopped early?)");
}
