namespace VpnPortal.Data;

/// <summary>The indexes of the sessions table that queries name (decision 0026).</summary>
public static class VpnSessionIndexes
{
    /// <summary>Every session by the time it ended: the live ones (none yet) together, in the order they were stored.</summary>
    public const string ByEndedAt = "IX_VpnSessions_EndedAt";

    /// <summary>Live sessions only, newest connection first, then by id: the sessions page's default order.</summary>
    public const string LiveByStart = "IX_VpnSessions_Live_ConnectionStartTime";

    /// <summary>Live sessions only, by user name, then device tunnel or not.</summary>
    public const string LiveByUser = "IX_VpnSessions_Live_UserName";
}
