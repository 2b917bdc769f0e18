namespace VpnPortal.Domain.Agents;

/// <summary>
/// What one enrollment token lets an agent do: enroll one new server (named, or any name not yet in the fleet), or
/// replace the agent of one named server that is already in the portal (a rebuilt server).
/// </summary>
/// <param name="ServerName">The name the agent must enroll as; null only for a new-server token that takes any new name.</param>
/// <param name="ReplacesServerId">The server whose agent this token replaces; null for a new-server token.</param>
public sealed record EnrollmentGrant(string? ServerName, Guid? ReplacesServerId)
{
    public bool IsReplacement => ReplacesServerId is not null;

    public static EnrollmentGrant NewServer(string? name) => new(name, null);

    public static EnrollmentGrant Replace(Guid serverId, string serverName) => new(serverName, serverId);
}

/// <summary>The server already in the portal under the name an agent enrolls with.</summary>
public sealed record EnrolledServer(Guid Id, string Name);

/// <summary>
/// Decides whether an agent may enroll under a name with a token. An existing server's channel (its commands, an SSTP
/// rollout's PFX, the reports rollouts trust) is taken over only with a token minted to replace exactly that server.
/// </summary>
public static class EnrollmentRules
{
    /// <summary>Null when the agent may enroll; otherwise why not, in words for the person running the agent.</summary>
    /// <param name="grant">What the token allows.</param>
    /// <param name="machineName">The name the agent enrolls as.</param>
    /// <param name="existing">The server of that name already in the portal, if any (names compare without case).</param>
    public static string? Refusal(EnrollmentGrant grant, string machineName, EnrolledServer? existing)
    {
        if (grant.ReplacesServerId is { } replaced)
        {
            if (existing?.Id == replaced && SameName(grant.ServerName, machineName))
            {
                return null;
            }

            return $"This token replaces the agent of {grant.ServerName}, but this machine enrolls as {machineName}. " +
                $"Run it on {grant.ServerName}, or create a token for a new server.";
        }

        if (grant.ServerName is { } name && !SameName(name, machineName))
        {
            return $"This token enrolls a new server named {name}, but this machine enrolls as {machineName}. " +
                "Run it on that server, or create a token for this one.";
        }

        if (existing is not null)
        {
            return $"{existing.Name} is already in the portal. Enrolling its agent again (after a rebuild) needs a token that replaces " +
                $"{existing.Name}: on the Agents page create a token to replace a server, or run " +
                $"'admin create-enrollment-token --replace {existing.Name}'.";
        }

        return null;
    }

    /// <summary>Windows computer names are case-insensitive.</summary>
    public static bool SameName(string? a, string? b) => string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);
}
