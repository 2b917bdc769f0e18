using System.ComponentModel.DataAnnotations;

namespace VpnPortal.Web.Features.Me;

/// <summary>"Security:ApiKeys": how long a new API key may live.</summary>
public sealed class ApiKeyOptions : IValidatableObject
{
    public const string Section = "Security:ApiKeys";

    /// <summary>What a new key gets unless its creator chooses otherwise.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The longest lifetime anyone may choose (the admin command line included).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(365);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultLifetime > MaxLifetime)
        {
            yield return new ValidationResult(
                $"{Section}:DefaultLifetime ({DefaultLifetime.TotalDays:0} days) must not be longer than {Section}:MaxLifetime ({MaxLifetime.TotalDays:0} days).",
                [nameof(DefaultLifetime), nameof(MaxLifetime)]);
        }
    }
}
