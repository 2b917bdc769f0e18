using System.Net;
using System.Net.NetworkInformation;
using Microsoft.Extensions.Logging;
using VpnPortal.Agent.Runtime;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Cli;

/// <summary><c>enroll</c>: trade a one-time enrollment token for this server's agent credential and keep it in the state directory.</summary>
internal sealed class EnrollVerb(Func<HttpClient>? httpClients = null) : IAgentVerb
{
    public string Name => "enroll";

    public string Usage => "enroll --portal URL --token TOKEN [--config DIR] [--allow-insecure-http]   enroll this server with the portal";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new CliOptions(args, new HashSet<string> { "portal", "token", "config" }, new HashSet<string> { PortalAddress.AllowInsecureFlag });
        var portal = PortalAddress.Parse(options);
        var token = options.Required("token");
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
