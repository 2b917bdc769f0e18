using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Hosting;

/// <summary>
/// The server an agent runs on: a real Windows RRAS/NPS server, or a simulated one. The agent runtime only
/// talks to this, so reporting and command handling are the same code for both.
/// </summary>
public interface IServerHost
{
    AgentRole Role { get; }

    /// <summary>The server's host name as it enrolls (the key under which a rebuilt server keeps its history).</summary>
    string MachineName { get; }

    string? HostFqdn { get; }

    /// <summary>Reads the server's full state. The runtime sets the sequence number, time and version on the result.</summary>
    Task<ServerState> CollectAsync(CancellationToken cancellationToken);

    /// <summary>Runs one command. Throws <see cref="CommandFailedException"/> with a message for people when it fails.</summary>
    Task<string> ExecuteAsync(AgentCommandMessage command, CancellationToken cancellationToken);

    /// <summary>Completes when something changed since the last collection (a session came or went, a store changed), so a snapshot goes out early.</summary>
    Task WaitForChangeAsync(CancellationToken cancellationToken);
}

/// <summary>What <see cref="IServerHost.CollectAsync"/> returns: the role-specific parts of a snapshot.</summary>
public sealed record ServerState(RrasState? Rras, NpsState? Nps, IReadOnlyList<ReportedCertificate> Certificates);

/// <summary>A command that ran and failed, or was refused (unknown kind, bad payload); the message goes to the portal.</summary>
public sealed class CommandFailedException(string message, Exception? inner = null) : Exception(message, inner);
