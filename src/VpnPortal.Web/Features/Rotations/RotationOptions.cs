using System.ComponentModel.DataAnnotations;

namespace VpnPortal.Web.Features.Rotations;

/// <summary>Settings of SSTP certificate rollouts (section "Rotations").</summary>
public sealed class RotationOptions
{
    public const string Section = "Rotations";

    /// <summary>How long after RemoteAccess restarted a report must show the new bindings before the server is rolled back.</summary>
    [Range(5, 3600)]
    public int VerifyWithinSeconds { get; set; } = 180;

    /// <summary>How many times a step's command is sent when it was delivered but never answered (an undelivered one waits for the agent).</summary>
    [Range(1, 10)]
    public int MaxCommandAttempts { get; set; } = 3;

    /// <summary>How often every open rollout is looked at even without news from its servers (maintenance windows, timeouts).</summary>
    [Range(1, 300)]
    public int SweepSeconds { get; set; } = 5;

    /// <summary>Uploaded PFX files larger than this are refused.</summary>
    [Range(1024, 10 * 1024 * 1024)]
    public int MaxPfxBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How long a stopped rollout keeps its encrypted PFX and password while it waits for a person's decision; after that
    /// they are erased, and the PFX must be uploaded again to resume.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00", ErrorMessage = "Rotations:KeepStoppedPfxFor must be from 5 minutes to 30 days.")]
    public TimeSpan KeepStoppedPfxFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a step waits for an agent that does not collect its command (offline) before the server fails: the command
    /// is sent again meanwhile, but not forever.
    /// </summary>
    [Range(1, 7 * 24 * 60)]
    public int WaitForAgentMinutes { get; set; } = 60;

    public TimeSpan VerifyWithin => TimeSpan.FromSeconds(VerifyWithinSeconds);

    public TimeSpan WaitForAgent => TimeSpan.FromMinutes(WaitForAgentMinutes);
}
