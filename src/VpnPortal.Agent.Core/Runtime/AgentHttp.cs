namespace VpnPortal.Agent.Runtime;

/// <summary>The HTTP client the agent's verbs use: no overall timeout (each call has its own), connections recycled so DNS changes are seen.</summary>
public static class AgentHttp
{
    public static HttpClient CreateClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
