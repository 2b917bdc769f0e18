namespace VpnPortal.Web.Features.Servers.Live;

/// <summary>What the server detail pages share about staying live.</summary>
public static class ServerPages
{
    /// <summary>
    /// Re-read this often even without a change: presence and "last report" age, and agents' command polls move
    /// "last seen" without an event. Reports themselves arrive as events and refresh within a second.
    /// </summary>
    public static readonly TimeSpan AgeEvery = TimeSpan.FromSeconds(15);
}
