namespace VpnPortal.Agent.Cli;

/// <summary>One verb of the agent's command line.</summary>
internal interface IAgentVerb
{
    string Name { get; }

    /// <summary>One line: the verb's arguments and what it does.</summary>
    string Usage { get; }

    Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken);
}

/// <summary>The agent's command line: <c>VpnPortal.Agent &lt;verb&gt; [options]</c>.</summary>
public static class AgentCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        var verbs = AgentVerbs.All();
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            WriteUsage(verbs, args.Length == 0 ? error : output);
            return args.Length == 0 ? 2 : 0;
        }

        var verb = verbs.FirstOrDefault(v => string.Equals(v.Name, args[0], StringComparison.OrdinalIgnoreCase));
        if (verb is null)
        {
            await error.WriteLineAsync($"Unknown verb '{args[0]}'.");
            WriteUsage(verbs, error);
            return 2;
        }

        try
        {
            return await verb.RunAsync(args.Skip(1).ToList(), output, error, cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return 130;
        }
        catch (CliUsageException e)
        {
            await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync($"Usage: VpnPortal.Agent {verb.Usage}");
            return 2;
        }
    }

    private static void WriteUsage(IReadOnlyList<IAgentVerb> verbs, TextWriter writer)
    {
        writer.WriteLine("Usage: VpnPortal.Agent <verb> [options]");
        foreach (var verb in verbs)
        {
            writer.WriteLine($"  {verb.Usage}");
        }
    }
}

/// <summary>Bad command-line arguments: the message says which and the usage line follows.</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>Minimal option parsing: <c>--name value</c> pairs and bare flags, nothing else.</summary>
internal sealed class CliOptions
{
    private readonly Dictionary<string, string?> values = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<string> Positional { get; }

    public CliOptions(IReadOnlyList<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string>? flags = null)
    {
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(arg);
                continue;
            }

            var name = arg[2..];
            if (flags?.Contains(name) == true)
            {
                values[name] = null;
            }
            else if (valueOptions.Contains(name))
            {
                if (i + 1 >= args.Count)
                {
                    throw new CliUsageException($"--{name} needs a value.");
                }

                values[name] = args[++i];
            }
            else
            {
                throw new CliUsageException($"Unknown option --{name}.");
            }
        }

        Positional = positional;
    }

    public string? Get(string name) => values.TryGetValue(name, out var value) ? value : null;

    public string Required(string name) => Get(name) ?? throw new CliUsageException($"--{name} is required.");

    public bool Has(string name) => values.ContainsKey(name);

    public int Int(string name, int defaultValue, int min, int max)
    {
        var text = Get(name);
        if (text is null)
        {
            return defaultValue;
        }

        return int.TryParse(text, out var value) && value >= min && value <= max
            ? value
            : throw new CliUsageException($"--{name} must be a whole number from {min} to {max}.");
    }
}
