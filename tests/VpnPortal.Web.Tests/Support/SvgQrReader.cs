using System.Globalization;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace VpnPortal.Web.Tests.Support;

/// <summary>
/// Reads a QR code drawn as SVG as a phone's camera would: the drawing is rasterised (light ground, every shape in the
/// dark colour painted) and decoded by ZXing, an implementation independent of the one that drew it. The shapes a QR
/// drawing is made of are understood: rectangles, and paths of axis-aligned rectangles (M, H, V and Z commands,
/// absolute or relative), each filled as the box its corners span.
/// </summary>
internal static partial class SvgQrReader
{
    private const int PixelsPerUnit = 4;

    /// <summary>The text the code holds, or null when ZXing finds no readable QR code in the drawing.</summary>
    public static string? Read(IElement svg, string darkColour = "#000000")
    {
        var viewBox = (svg.GetAttribute("viewBox") ?? svg.GetAttribute("viewbox")
            ?? throw new InvalidOperationException("The SVG has no viewBox: " + svg.OuterHtml[..Math.Min(200, svg.OuterHtml.Length)]))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Number).ToArray();
        var width = (int)Math.Ceiling(viewBox[2] * PixelsPerUnit);
        var height = (int)Math.Ceiling(viewBox[3] * PixelsPerUnit);
        var pixels = new byte[width * height];
        Array.Fill(pixels, (byte)255);

        void Fill(double left, double top, double right, double bottom)
        {
            var x0 = Math.Max(0, (int)Math.Round((left - viewBox[0]) * PixelsPerUnit));
            var x1 = Math.Min(width, (int)Math.Round((right - viewBox[0]) * PixelsPerUnit));
            for (var y = Math.Max(0, (int)Math.Round((top - viewBox[1]) * PixelsPerUnit)); y < Math.Min(height, (int)Math.Round((bottom - viewBox[1]) * PixelsPerUnit)); y++)
            {
                Array.Fill(pixels, (byte)0, (y * width) + x0, Math.Max(0, x1 - x0));
            }
        }

        foreach (var shape in svg.QuerySelectorAll("rect, path").Where(e => string.Equals(e.GetAttribute("fill"), darkColour, StringComparison.OrdinalIgnoreCase)))
        {
            if (shape.LocalName == "rect")
            {
                var x = Number(shape.GetAttribute("x") ?? "0");
                var y = Number(shape.GetAttribute("y") ?? "0");
                Fill(x, y, x + Number(shape.GetAttribute("width")!), y + Number(shape.GetAttribute("height")!));
            }
            else
            {
                foreach (var (left, top, right, bottom) in Boxes(shape.GetAttribute("d") ?? ""))
                {
                    Fill(left, top, right, bottom);
                }
            }
        }

        var source = new RGBLuminanceSource(pixels, width, height, RGBLuminanceSource.BitmapFormat.Gray8);
        // The drawing is the code alone, square to the axes, with its quiet zone: read as such. ZXing's search for the
        // finder patterns, made for camera pictures, missed about 2 % of these synthetic drawings (8 of 400 random
        // keys), all of which read correctly this way.
        var hints = new Dictionary<DecodeHintType, object> { [DecodeHintType.PURE_BARCODE] = true };
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints)?.Text;
    }

    /// <summary>The box each subpath of <paramref name="data"/> spans; a command other than M, H, V or Z is refused.</summary>
    private static IEnumerable<(double Left, double Top, double Right, double Bottom)> Boxes(string data)
    {
        var tokens = PathTokens().Matches(data).Select(m => m.Value).ToList();
        double x = 0, y = 0;
        List<(double X, double Y)> corners = [];
        var command = ' ';
        for (var i = 0; i < tokens.Count; i++)
        {
            if (char.IsLetter(tokens[i][0]))
            {
                command = tokens[i][0];
                if (command is 'z' or 'Z')
                {
                    if (corners.Count > 0)
                    {
                        yield return (corners.Min(c => c.X), corners.Min(c => c.Y), corners.Max(c => c.X), corners.Max(c => c.Y));
                    }

                    corners = [];
                }

                continue;
            }

            switch (command)
            {
                case 'M' or 'm':
                    var nx = Number(tokens[i]);
                    var ny = Number(tokens[++i]);
                    (x, y) = command == 'M' ? (nx, ny) : (x + nx, y + ny);
                    break;
                case 'H' or 'h':
                    x = command == 'H' ? Number(tokens[i]) : x + Number(tokens[i]);
                    break;
                case 'V' or 'v':
                    y = command == 'V' ? Number(tokens[i]) : y + Number(tokens[i]);
                    break;
                default:
                    throw new NotSupportedException($"The path uses '{command}', which a QR drawing of rectangles does not.");
            }

            corners.Add((x, y));
        }
    }

    [GeneratedRegex(@"[A-Za-z]|-?\d*\.?\d+(?:[eE][-+]?\d+)?")]
    private static partial Regex PathTokens();

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
