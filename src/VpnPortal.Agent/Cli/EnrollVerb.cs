using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using Microsoft.Extensions.Logging;
using VpnPortal.Agent.Runtime;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Cli;

/// <summary>
/// <c>enroll</c>: trade a one-time enrollment token for this server's agent credential and keep it in the state directory.
/// The token is read from standard input or a file, never from the command line: Windows records command lines in its
/// process-creation audit events (4688) and shows them to anyone who lists processes.
/// </summary>
/// <param name="httpClients">The HTTP client to the portal; tests give one of their own.</param>
/// <param name="input">Standard input; null for the console's, which is read masked when a person types at it.</param>
internal sealed class EnrollVerb(Func<HttpClient>? httpClients = null, TextReader? input = null) : IAgentVerb
{
    public const string TokenStdinFlag = "token-stdin";
    public const string TokenFileOption = "token-file";

    /// <summary>A token is a few dozen characters; a longer line or file is not one.</summary>
    private const int MaxTokenLength = 1024;

    public string Name => "enroll";

    public string Usage => "enroll --portal URL (--token-stdin | --token-file PATH) [--config DIR] [--allow-insecure-http]   enroll this server with the portal";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new CliOptions(args, new HashSet<string> { "portal", "token", TokenFileOption, "config" }, new HashSet<string> { PortalAddress.AllowInsecureFlag, TokenStdinFlag });
        var portal = PortalAddress.Parse(options);
        var token = await ReadTokenAsync(options, error, cancellationToken);
        var store = new FileAgentStateStore(options.Get("config") ?? FileAgentStateStore.DefaultDirectory());

        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        using var http = httpClients?.Invoke() ?? AgentHttp.CreateClient();
        var client = new AgentClient(http, portal, credential: null, loggers.CreateLogger("VpnPortal.Agent.Enroll"));
        var machine = Environment.MachineName;
        try
        {
            var response = await client.EnrollAsync(
                new EnrollRequest
                {
                    Token = token,
                    MachineName = machine,
                    HostFqdn = Fqdn(machine),
                    AgentVersion = AgentVersion.Current,
                    OsVersion = Environment.OSVersion.VersionString,
                },
                cancellationToken);
            await store.SaveIdentityAsync(AgentIdentity.From(portal, machine, response), cancellationToken);
            await output.WriteLineAsync($"Enrolled {machine} as {response.Role} server {response.ServerId}");
            await output.WriteLineAsync($"The agent's identity is in {store.IdentityPath}.");
            return 0;
        }
        catch (EnrollmentRejectedException e)
        {
            await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync("Ask the portal for a new enrollment token (they are single-use and expire).");
            return 1;
        }
        catch (Exception e) when (e is AgentPortalUnreachableException or AgentProtocolException)
        {
            await error.WriteLineAsync($"Enrollment failed: {e.Message}");
            return 1;
        }
    }

    private async Task<string> ReadTokenAsync(CliOptions options, TextWriter error, CancellationToken cancellationToken)
    {
        if (options.Has("token"))
        {
            // Refused rather than kept for compatibility: by the time this runs, the token is already in the audit log.
            throw new CliUsageException(
                "--token is not accepted: a command line is recorded by process auditing and shown in process lists, so the token would be kept there. " +
                $"Give it on standard input with --{TokenStdinFlag} (typed or pasted at the prompt, or piped), or in a file with --{TokenFileOption} PATH.");
        }

        var file = options.Get(TokenFileOption);
        if (options.Has(TokenStdinFlag) == (file is not null))
        {
            throw new CliUsageException($"Give the enrollment token with exactly one of --{TokenStdinFlag} or --{TokenFileOption} PATH.");
        }

        var token = file is not null ? await ReadTokenFileAsync(file, cancellationToken) : await ReadTokenLineAsync(error, cancellationToken);
        return token.Length is > 0 and <= MaxTokenLength && !token.Any(char.IsControl)
            ? token
            : throw new CliUsageException(token.Length == 0
                ? $"The enrollment token {(file is null ? "on standard input" : $"in {file}")} is empty."
                : $"What was given as the enrollment token is not one (longer than {MaxTokenLength} characters, or control characters).");
    }

    private static async Task<string> ReadTokenFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new CliUsageException($"The token file {path} does not exist.");
            }

            if (info.Length > MaxTokenLength * 4)
            {
                throw new CliUsageException($"The token file {path} is {info.Length} bytes; an enrollment token is a few dozen characters.");
            }

            return (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliUsageException($"The token file {path} cannot be read: {e.Message}");
        }
    }

    private async Task<string> ReadTokenLineAsync(TextWriter error, CancellationToken cancellationToken)
    {
        if (input is null && !Console.IsInputRedirected)
        {
            // A person at the console: prompt, and keep the token off the screen.
            await error.WriteAsync("Enrollment token: ");
            var typed = ReadMaskedLine();
            await error.WriteLineAsync();
            return typed.Trim();
        }

        var line = await (input ?? Console.In).ReadLineAsync(cancellationToken);
        return line?.Trim() ?? "";
    }

    private static string ReadMaskedLine()
    {
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                return typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar) && typed.Length < MaxTokenLength + 1)
            {
                typed.Append(key.KeyChar);
            }
        }
    }

    private static string? Fqdn(string machine)
    {
        var domain = IPGlobalProperties.GetIPGlobalProperties().DomainName;
        return string.IsNullOrEmpty(domain) ? null : $"{machine}.{domain}";
    }
}

/// <summary>The <c>--portal</c> option: an absolute http(s) URL, and plain http only to this machine unless allowed.</summary>
internal static class PortalAddress
{
    public const string AllowInsecureFlag = "allow-insecure-http";

    public static Uri Parse(CliOptions options)
    {
        var text = options.Required("portal");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var portal) || (portal.Scheme != Uri.UriSchemeHttps && portal.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliUsageException($"--portal must be an absolute https:// URL, not '{text}'.");
        }

        // Secrets (enrollment tokens, credentials, API keys) cross this connection: in clear text only on loopback.
        if (portal.Scheme == Uri.UriSchemeHttp && !IsLoopback(portal) && !options.Has(AllowInsecureFlag))
        {
            throw new CliUsageException($"Refusing http:// to {portal.Host}: secrets would cross the network unencrypted. Use https://, or --{AllowInsecureFlag} if you really mean it.");
        }

        return portal;
    }

    private static bool IsLoopback(Uri portal) =>
        portal.IsLoopback || (IPAddress.TryParse(portal.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
