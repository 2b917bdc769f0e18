using System.Reflection;

namespace VpnPortal.Agent.Runtime;

/// <summary>The agent's version as it reports it: the informational version of this assembly, without the source hash.</summary>
public static class AgentVersion
{
    public static string Current { get; } = Read();

    private static string Read()
    {
        var assembly = typeof(AgentVersion).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (informational is { Length: > 0 })
        {
            // The SDK appends "+<commit>"; the portal compares versions, and the commit is noise there.
            var plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus > 0 ? informational[..plus] : informational;
        }

        return assembly.GetName().Version?.ToString() ?? "0.0.0";
    }
}
