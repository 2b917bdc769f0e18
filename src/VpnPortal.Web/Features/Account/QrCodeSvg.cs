using Microsoft.AspNetCore.Components;
using QRCoder;

namespace VpnPortal.Web.Features.Account;

/// <summary>
/// A QR code drawn as inline SVG (QRCoder), so a page shows it without loading anything from elsewhere. Black on white
/// with its quiet zone, whatever the page's theme: cameras read dark modules on a light ground.
/// </summary>
public static class QrCodeSvg
{
    /// <summary>The SVG markup of a QR code holding <paramref name="text"/>, scaled by the page (viewBox in modules).</summary>
    public static MarkupString Render(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        using var generator = new QRCodeGenerator();
        // Level M (15 % of the code may be unreadable) keeps a 100-character otpauth address at a size phones read easily.
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        using var svg = new SvgQRCode(data);
        // The markup is QRCoder's own drawing of the modules: no part of the text is written into it.
        return new MarkupString(svg.GetGraphic(1, "#000000", "#ffffff", drawQuietZones: true, SvgQRCode.SizingMode.ViewBoxAttribute));
    }
}
