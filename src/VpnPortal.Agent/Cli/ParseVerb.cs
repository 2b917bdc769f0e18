using System.Text.Json;
using VpnPortal.Agent.Parsing;

namespace VpnPortal.Agent.Cli;

/// <summary>
/// <c>parse KIND FILE</c>: runs one of the agent's parsers on saved tool output, to check what the agent will make of a
/// server's netsh or PowerShell output (or to see exactly where it fails).
/// </summary>
internal sealed class ParseVerb(TimeProvider time) : IAgentVerb
{
    private static readonly Dictionary<string, Func<string, DateTimeOffset, object>> Parsers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslcert"] = (text, _) => SslCertificateBindings.Parse(text),
        ["sessions"] = (text, now) => RemoteAccessJson.ParseSessions(text, now),
        ["summary"] = (text, _) => RemoteAccessJson.ParseSummary(text),
        ["radius"] = (text, _) => RemoteAccessJson.ParseRadiusServers(text),
    };

    public ParseVerb()
        : this(TimeProvider.System)
    {
    }

    public string Name => "parse";

    public string Usage => "parse sslcert|sessions|summary|radius FILE   parse saved 'netsh http show sslcert' or RemoteAccess ConvertTo-Json output and print it as JSON";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new CliOptions(args, new HashSet<string>());
        if (options.Positional.Count != 2)
        {
            throw new CliUsageException("Give what to parse and the FILE.");
        }

        if (!Parsers.TryGetValue(options.Positional[0], out var parse))
        {
            throw new CliUsageException($"Unknown kind '{options.Positional[0]}'; use one of: {string.Join(", ", Parsers.Keys)}.");
        }

        var path = options.Positional[1];
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > 16 * 1024 * 1024)
            {
                await error.WriteLineAsync($"{path} is larger than 16 MB; that is not tool output.");
                return 1;
            }

            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await error.WriteLineAsync($"{path} cannot be read: {e.Message}");
            return 1;
        }

        object parsed;
        try
        {
            parsed = parse(text, time.GetUtcNow());
        }
        catch (OutputFormatException e)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }

        await output.WriteLineAsync(JsonSerializer.Serialize(parsed, parsed.GetType(), InspectCertVerb.Json));
        return 0;
    }
}
