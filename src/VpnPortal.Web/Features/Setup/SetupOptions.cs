using System.ComponentModel.DataAnnotations;

namespace VpnPortal.Web.Features.Setup;

/// <summary>Settings under "Setup".</summary>
public sealed class SetupOptions
{
    public const string Section = "Setup";

    /// <summary>How long the first-admin link printed at start stays valid.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Setup:LinkLifetime must be between 1 minute and 7 days.")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The portal's public base URL for printed links; defaults to the first address it listens on.</summary>
    public string? PublicBaseUrl { get; set; }
}
