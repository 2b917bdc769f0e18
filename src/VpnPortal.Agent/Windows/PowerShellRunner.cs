using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace VpnPortal.Agent.Windows;

/// <summary>
/// A PowerShell script and the values it works on. Values never become part of the script text: each reaches the script
/// as the environment variable <c>VPNPORTAL_ARG_&lt;NAME&gt;</c>, read there as <c>$env:VPNPORTAL_ARG_&lt;NAME&gt;</c>,
/// so a user name like <c>x'; Remove-Item C:\ -Recurse; '</c> stays a string.
/// </summary>
public sealed partial record PowerShellScript
{
    public const string ArgumentPrefix = "VPNPORTAL_ARG_";

    public PowerShellScript(string name, string text, IReadOnlyDictionary<string, string>? arguments = null)
    {
        Name = name;
        Text = text;
        Arguments = arguments ?? new Dictionary<string, string>();
        foreach (var key in Arguments.Keys)
        {
            if (!ArgumentName().IsMatch(key))
            {
                throw new ArgumentException($"Argument name '{key}' must be upper-case letters, digits and underscores.", nameof(arguments));
            }
        }
    }

    /// <summary>What the script does, for error messages ("disconnect a user").</summary>
    public string Name { get; }

    public string Text { get; }

    public IReadOnlyDictionary<string, string> Arguments { get; }

    [GeneratedRegex("^[A-Z][A-Z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ArgumentName();
}

/// <summary>PowerShell or netsh ended with an error or timed out; the message carries the tool's own error text.</summary>
public sealed class ToolFailedException(string message) : Exception(message);

public interface IPowerShellRunner
{
    /// <summary>Runs the script and returns its standard output; throws <see cref="ToolFailedException"/> when it fails.</summary>
    Task<string> RunAsync(PowerShellScript script, CancellationToken cancellationToken);
}

/// <summary>
/// Runs scripts in Windows PowerShell 5.1 (<c>powershell.exe</c>, present on every Windows Server; the RemoteAccess module
/// is a Windows PowerShell module) without a profile, non-interactively, with the execution policy bypassed for this process
/// only. The script goes in through <c>-EncodedCommand</c> (base64 UTF-16LE): stdin input (<c>-Command -</c>) is read
/// line by line by 5.1 and breaks multi-line blocks, and the encoded form needs no quoting at all.
/// </summary>
public sealed partial class PowerShellRunner(IProcessRunner processes, TimeSpan timeout, string executable = "powershell.exe") : IPowerShellRunner
{
    // Stop on the first error (so a failed cmdlet is an exit code, not a warning in passing), no progress records (5.1
    // writes them to stderr as CLIXML when output is redirected), and UTF-8 output so non-ASCII user names survive.
    internal const string Prologue =
        "$ErrorActionPreference = 'Stop'\n" +
        "$ProgressPreference = 'SilentlyContinue'\n" +
        "[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false\n";

    public async Task<string> RunAsync(PowerShellScript script, CancellationToken cancellationToken)
    {
        var spec = BuildSpec(script);
        ProcessOutcome outcome;
        try
        {
            outcome = await processes.RunAsync(spec, cancellationToken);
        }
        catch (ProcessTimedOutException e)
        {
            throw new ToolFailedException($"PowerShell could not {script.Name}: {e.Message}");
        }

        if (outcome.ExitCode != 0)
        {
            var detail = ErrorText(outcome.StandardError);
            throw new ToolFailedException(
                $"PowerShell could not {script.Name} (exit code {outcome.ExitCode}): {(detail.Length == 0 ? "no error text" : FirstLines(detail, 6))}");
        }

        return outcome.StandardOutput;
    }

    internal ProcessSpec BuildSpec(PowerShellScript script) => new()
    {
        FileName = executable,
        Arguments = ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand", Encode(Prologue + script.Text)],
        Environment = script.Arguments.ToDictionary(a => PowerShellScript.ArgumentPrefix + a.Key, a => a.Value),
        Timeout = timeout,
    };

    internal static string Encode(string text) => Convert.ToBase64String(Encoding.Unicode.GetBytes(text));

    /// <summary>
    /// What PowerShell wrote to its error stream, as text. Started with <c>-EncodedCommand</c> and non-interactive with that
    /// stream redirected, PowerShell writes it as CLIXML (<c>#&lt; CLIXML</c>, then serialized strings with line breaks as
    /// <c>_x000D__x000A_</c>); Windows PowerShell 5.1 does so whatever <c>-OutputFormat</c> says. The error strings are taken
    /// out of it, without the colour codes PowerShell 7 adds; anything else is returned as it is.
    /// </summary>
    internal static string ErrorText(string standardError)
    {
        const string header = "#< CLIXML";
        var text = standardError.TrimStart('\uFEFF').Trim();
        if (!text.StartsWith(header, StringComparison.Ordinal))
        {
            return text;
        }

        var errors = new StringBuilder();
        try
        {
            var settings = new XmlReaderSettings { ConformanceLevel = ConformanceLevel.Fragment, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(text.Replace(header, "", StringComparison.Ordinal)), settings);
            reader.MoveToContent();
            while (!reader.EOF)
            {
                if (reader is { NodeType: XmlNodeType.Element, LocalName: "S" } && reader.GetAttribute("S") == "Error")
                {
                    errors.Append(XmlConvert.DecodeName(reader.ReadElementContentAsString()));
                }
                else
                {
                    reader.Read();
                }
            }
        }
        catch (XmlException)
        {
            return text;
        }

        return ColourCode().Replace(errors.ToString(), "").Trim();
    }

    [GeneratedRegex("\u001B\\[[0-9;]*m", RegexOptions.CultureInvariant)]
    private static partial Regex ColourCode();

    private static string FirstLines(string text, int count)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return string.Join(" ", lines.Take(count).Select(l => l.Trim()).Where(l => l.Length > 0)) + (lines.Length > count ? " ..." : "");
    }
}

/// <summary><c>netsh http show sslcert</c>, behind an interface for the same reason.</summary>
public interface INetsh
{
    Task<string> ShowSslCertificatesAsync(CancellationToken cancellationToken);
}

public sealed class Netsh(IProcessRunner processes, TimeSpan timeout) : INetsh
{
    public async Task<string> ShowSslCertificatesAsync(CancellationToken cancellationToken)
    {
        var outcome = await processes.RunAsync(new ProcessSpec { FileName = "netsh.exe", Arguments = ["http", "show", "sslcert"], Timeout = timeout }, cancellationToken);

        // netsh reports its errors on stdout.
        return outcome.ExitCode == 0
            ? outcome.StandardOutput
            : throw new ToolFailedException($"netsh http show sslcert failed (exit code {outcome.ExitCode}): {(outcome.StandardOutput + " " + outcome.StandardError).Trim()}");
    }
}
