using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Servers;

/// <summary>How NPS facts read on the pages.</summary>
public static class NpsText
{
    public static string MfaExtension(MfaExtensionState state) => state switch
    {
        MfaExtensionState.Installed => "Installed",
        MfaExtensionState.NotInstalled => "Not installed",
        _ => "Unknown",
    };

    /// <summary>Chip colour for the extension state (not installed is normal for fleets without Azure MFA).</summary>
    public static MudBlazor.Color MfaExtensionColor(MfaExtensionState state) => state == MfaExtensionState.Installed ? MudBlazor.Color.Success : MudBlazor.Color.Default;
}
