namespace VpnPortal.Data.Entities;

/// <summary>
/// One hint from a portal node to the others on a database without notifications of its own (SQL Server): a fleet
/// change or a command wake-up, in the node relay's short form. Written and read by the relay with plain SQL, never
/// tracked (so never audited: it records no change, only that one happened), and removed after a minute.
/// </summary>
public sealed class NodeSignal
{
    public long Id { get; set; }

    /// <summary>"{node} {kind} {server or -} {wake 0/1}" (see the relay's message format).</summary>
    public string Payload { get; set; } = "";

    /// <summary>When it was written, in Unix milliseconds of the writing node's clock (for pruning only).</summary>
    public long SentAtUnixMs { get; set; }
}
