using MudBlazor;

namespace VpnPortal.Web.Features.Appearance;

/// <summary>
/// The portal's colours in light and dark: the logo's blue as the primary colour, a slate secondary that reads as a
/// different (not a disabled) button, and text and status colours at WCAG AA contrast on their backgrounds. Fonts are
/// the system's own (nothing is fetched from another site).
/// </summary>
public static class PortalTheme
{
    private static readonly string[] SystemFonts = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f4e8c",
            Secondary = "#3d5a73",
            Tertiary = "#5b3f8c",
            Info = "#0b5cad",
            Success = "#1e7a46",
            Warning = "#8a5a00",
            Error = "#b3261e",
            AppbarBackground = "#16283f",
            AppbarText = "#ffffff",
            Background = "#f4f6f9",
            Surface = "#ffffff",
            DrawerBackground = "#ffffff",
            DrawerText = "#1c2430",
            DrawerIcon = "#3d4a5c",
            TextPrimary = "#1c2430",
            TextSecondary = "#4d5868",
            ActionDefault = "#4d5868",
            LinesDefault = "#dde2ea",
            TableLines = "#e3e7ee",
            Divider = "#dde2ea",
            ActionDisabled = "#9aa3af",
            ActionDisabledBackground = "#e8ebef",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8fb8f0",
            PrimaryContrastText = "#0d1b2e",
            Secondary = "#a9bfd3",
            SecondaryContrastText = "#0d1b2e",
            Tertiary = "#c5b1ec",
            Info = "#7cb8f5",
            InfoContrastText = "#0d1b2e",
            Success = "#6fcf97",
            SuccessContrastText = "#0d1b2e",
            Warning = "#f2c265",
            WarningContrastText = "#0d1b2e",
            Error = "#f4a39c",
            ErrorContrastText = "#0d1b2e",
            TertiaryContrastText = "#0d1b2e",
            AppbarBackground = "#0f1b2b",
            AppbarText = "#e6edf5",
            Background = "#0d1520",
            Surface = "#16212f",
            DrawerBackground = "#121c28",
            DrawerText = "#dbe4f0",
            DrawerIcon = "#b6c4d6",
            TextPrimary = "#e6edf5",
            TextSecondary = "#b3c0d0",
            ActionDefault = "#b3c0d0",
            LinesDefault = "#2b3a4d",
            TableLines = "#263446",
            Divider = "#2b3a4d",
            ActionDisabled = "#6b7787",
            ActionDisabledBackground = "#1f2b3a",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = SystemFonts },
            H4 = new H4Typography { FontFamily = SystemFonts, FontSize = "1.6rem", FontWeight = "650", LineHeight = "1.3" },
            H5 = new H5Typography { FontFamily = SystemFonts, FontSize = "1.3rem", FontWeight = "620", LineHeight = "1.35" },
            H6 = new H6Typography { FontFamily = SystemFonts, FontSize = "1.1rem", FontWeight = "620", LineHeight = "1.4" },
            Button = new ButtonTypography { FontFamily = SystemFonts, TextTransform = "none", FontWeight = "600" },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px", DrawerWidthLeft = "248px" },
    };
}
