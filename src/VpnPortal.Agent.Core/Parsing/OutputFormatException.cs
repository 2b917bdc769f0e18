namespace VpnPortal.Agent.Parsing;

/// <summary>
/// Output of a Windows tool (netsh, a PowerShell cmdlet, a registry blob) that does not have the shape the agent
/// relies on. The message names the source, and the line and/or field to blame, so a person can find it in the raw
/// output; nothing is silently dropped.
/// </summary>
public sealed class OutputFormatException : FormatException
{
    public OutputFormatException(string source, string problem, int? line = null, string? field = null, Exception? inner = null)
        : base(Describe(source, problem, line, field), inner)
    {
        Source = source;
        Line = line;
        Field = field;
    }

    /// <summary>What was being read, e.g. "netsh http show sslcert".</summary>
    public new string Source { get; }

    /// <summary>1-based line number in the raw output, when the problem is on one line.</summary>
    public int? Line { get; }

    /// <summary>The field or property to blame, when one is.</summary>
    public string? Field { get; }

    private static string Describe(string source, string problem, int? line, string? field)
    {
        var where = (line, field) switch
        {
            ({ } l, { } f) => $" (line {l}, field '{f}')",
            ({ } l, null) => $" (line {l})",
            (null, { } f) => $" (field '{f}')",
            _ => "",
        };
        return $"{source}{where}: {problem}";
    }
}
