using VpnPortal.Domain.Agents;

namespace VpnPortal.Web.Features.Agents;

/// <summary>How an agent's presence reads on the pages and in the API.</summary>
public static class PresenceText
{
    /// <summary>The API's value for a server that has no agent at all.</summary>
    public const string NoAgent = "none";

    public static string Label(AgentPresenceState state) => state switch
    {
        AgentPresenceState.Online => "Online",
        AgentPresenceState.Late => "Late",
        AgentPresenceState.Offline => "Offline",
        AgentPresenceState.Revoked => "Revoked",
        _ => "Never seen",
    };

    public static string Badge(AgentPresenceState state) => state switch
    {
        AgentPresenceState.Online => "badge ok",
        AgentPresenceState.Late => "badge warn",
        AgentPresenceState.Offline => "badge danger",
        _ => "badge muted",
    };

    /// <summary>The badge's colour on the MudBlazor pages.</summary>
    public static MudBlazor.Color Color(AgentPresenceState state) => state switch
    {
        AgentPresenceState.Online => MudBlazor.Color.Success,
        AgentPresenceState.Late => MudBlazor.Color.Warning,
        AgentPresenceState.Offline => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Default,
    };

    /// <summary>What the badge's tooltip explains, in the terms of the report interval.</summary>
    public static string Explain(AgentPresenceState state, TimeSpan reportInterval) => state switch
    {
        AgentPresenceState.Online => $"Heard from within {Minutes(reportInterval * AgentPresence.LateAfterIntervals)}.",
        AgentPresenceState.Late => $"Silent for more than {Minutes(reportInterval * AgentPresence.LateAfterIntervals)}: a restart or a network blip.",
        AgentPresenceState.Offline => $"Silent for more than {Minutes(reportInterval * AgentPresence.OfflineAfterIntervals)}: check the server and its agent service.",
        AgentPresenceState.Revoked => "Revoked or replaced: it can no longer talk to the portal.",
        _ => "Enrolled, but it has not contacted the portal since.",
    };

    /// <summary>online, late, offline, never-seen or revoked: the API's spelling.</summary>
    public static string ApiName(AgentPresenceState state) => state switch
    {
        AgentPresenceState.Online => "online",
        AgentPresenceState.Late => "late",
        AgentPresenceState.Offline => "offline",
        AgentPresenceState.Revoked => "revoked",
        _ => "never-seen",
    };

    private static string Minutes(TimeSpan t) => t.TotalSeconds < 120 ? $"{(int)t.TotalSeconds} s" : $"{(int)t.TotalMinutes} min";
}
