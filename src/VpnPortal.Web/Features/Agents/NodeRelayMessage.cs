using System.Globalization;

namespace VpnPortal.Web.Features.Agents;

/// <summary>
/// The short form in which portal nodes tell each other of a change, whatever carries it (PostgreSQL's NOTIFY, SQL
/// Server's signal table): "{node} {kind} {server or -} {wake 0/1}". Small, and nothing in it but ids.
/// </summary>
internal static class NodeRelayMessage
{
    /// <summary>A new node's id: its own messages come back to it, and are told apart by it.</summary>
    public static string NewNode() => Guid.NewGuid().ToString("N");

    public static string Format(string node, FleetChange change, bool wake) =>
        string.Create(CultureInfo.InvariantCulture, $"{node} {(int)change.Kind} {change.ServerId?.ToString("N") ?? "-"} {(wake ? 1 : 0)}");

    /// <summary>Another node's message; null for this node's own, or for anything that is not one of the relay's.</summary>
    public static (FleetChange Change, bool Wake)? Parse(string payload, string self)
    {
        var parts = payload.Split(' ');
        if (parts.Length != 4 || parts[0] == self || parts[0].Length != 32
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kind) || !Enum.IsDefined((FleetChangeKind)kind)
            || parts[3] is not ("0" or "1"))
        {
            return null;
        }

        Guid? server = parts[2] == "-" ? null : Guid.TryParseExact(parts[2], "N", out var id) ? id : (Guid?)null;
        if (server is null && parts[2] != "-")
        {
            return null;
        }

        return (new FleetChange((FleetChangeKind)kind, server), parts[3] == "1");
    }

    /// <summary>Hands another node's message to this node's open pages and, for a wake-up, its held command polls.</summary>
    public static void Deliver(string payload, string self, FleetEvents events, CommandSignals signals)
    {
        if (Parse(payload, self) is not { } message)
        {
            return;
        }

        if (message.Wake && message.Change.ServerId is { } server)
        {
            signals.Receive(server);
        }

        events.Receive(message.Change);
    }
}
