namespace VpnPortal.Agent.Cli;

internal static class AgentVerbs
{
    public static IReadOnlyList<IAgentVerb> All() =>
    [
        new EnrollVerb(),
        new RunVerb(),
        new SimulateVerb(),
        new InspectCertVerb(),
        new ParseVerb(),
    ];
}
