namespace VpnPortal.Domain.Agents;

/// <summary>Whether an agent is talking to the portal, as admins read it on the agents and server pages.</summary>
public enum AgentPresenceState
{
    /// <summary>Enrolled but never heard from since.</summary>
    NeverSeen = 0,

    /// <summary>Heard from within two report intervals.</summary>
    Online = 1,

    /// <summary>Missed a couple of reports: a restart, a network blip, a busy server.</summary>
    Late = 2,

    /// <summary>Silent for longer than <see cref="AgentPresence.OfflineAfterIntervals"/> intervals.</summary>
    Offline = 3,

    /// <summary>Revoked by an admin or replaced by a re-enrollment: it can no longer talk to the portal.</summary>
    Revoked = 4,
}

/// <summary>Classifies an agent by when it was last heard from. Any request (report or command poll) counts.</summary>
public static class AgentPresence
{
    /// <summary>An agent polls for commands every 25 s at most and reports every interval: two intervals of silence is "late".</summary>
    public const int LateAfterIntervals = 2;

    public const int OfflineAfterIntervals = 10;

    public static AgentPresenceState Classify(DateTimeOffset? lastSeenAt, DateTimeOffset? revokedAt, DateTimeOffset now, TimeSpan reportInterval)
    {
        if (revokedAt is not null)
        {
            return AgentPresenceState.Revoked;
        }

        if (lastSeenAt is null)
        {
            return AgentPresenceState.NeverSeen;
        }

        var silence = now - lastSeenAt.Value;
        if (silence <= reportInterval * LateAfterIntervals)
        {
            return AgentPresenceState.Online;
        }

        return silence <= reportInterval * OfflineAfterIntervals ? AgentPresenceState.Late : AgentPresenceState.Offline;
    }
}
