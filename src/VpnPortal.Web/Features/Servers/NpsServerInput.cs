using VpnPortal.Data.Entities;
using VpnPortal.Domain.Radius;

namespace VpnPortal.Web.Features.Servers;

/// <summary>What an admin types to add or edit an NPS (RADIUS) server by hand.</summary>
public sealed class NpsServerInput : ServerInput
{
    /// <summary>The RADIUS timeout the RRAS servers use for this NPS server; under 60 s is allowed but warned about.</summary>
    public int RadiusTimeoutSeconds { get; set; } = RadiusTimeouts.PhoneCallMfaSeconds;

    public MfaExtensionState MfaExtension { get; set; } = MfaExtensionState.Unknown;

    public static NpsServerInput From(NpsServer s) => new()
    {
        Name = s.Name,
        HostFqdn = s.HostFqdn,
        Site = s.Site,
        RadiusTimeoutSeconds = s.RadiusTimeoutSeconds,
        MfaExtension = s.MfaExtension,
        Notes = s.Notes,
        Version = s.Version,
    };

    protected override void ValidateRoleFields(Dictionary<string, string> errors)
    {
        Add(errors, nameof(RadiusTimeoutSeconds), RadiusTimeouts.Validate(RadiusTimeoutSeconds));
        if (!Enum.IsDefined(MfaExtension))
        {
            errors[nameof(MfaExtension)] = "Choose whether the MFA NPS extension is installed.";
        }
    }
}
