using System.Globalization;
using System.Text;

namespace VpnPortal.Web.Components.Grids;

/// <summary>
/// CSV as spreadsheets read it (RFC 4180, UTF-8 with a byte-order mark, CRLF). A cell that a spreadsheet would run as a
/// formula (starting with =, +, -, @, a tab or a carriage return) is written with a leading apostrophe, so a user name
/// or certificate subject chosen by someone else cannot become a formula in an admin's spreadsheet.
/// </summary>
public static class CsvFile
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny(['"', ',', '\r', '\n', ';']) >= 0 || value[0] == ' ' || value[^1] == ' '
            ? "\"" + value.Replace("\"", "\"\"") + "\""
            : value;
    }

    public static string Line(IEnumerable<string?> cells) => string.Join(",", cells.Select(Cell)) + "\r\n";

    /// <summary>An instant as spreadsheets and scripts read it unambiguously: UTC, ISO 8601.</summary>
    public static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    public static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A download of <paramref name="rows"/> under <paramref name="header"/>, written as the rows arrive, named
    /// <c>{name}-{yyyy-MM-dd}.csv</c>.
    /// </summary>
    public static IResult Result<T>(string name, DateTimeOffset now, IReadOnlyList<string> header, IAsyncEnumerable<T> rows, Func<T, IEnumerable<string?>> cells) =>
        new CsvResult<T>($"{name}-{now.UtcDateTime:yyyy-MM-dd}.csv", header, rows, cells);

    private sealed class CsvResult<T>(string fileName, IReadOnlyList<string> header, IAsyncEnumerable<T> rows, Func<T, IEnumerable<string?>> cells) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = ContentType;
            http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName, Inline = false }.ToString();
            http.Response.Headers.CacheControl = "no-store";
            var ct = http.RequestAborted;
            await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 16 * 1024);
            await writer.WriteAsync(Line(header));
            await foreach (var row in rows.WithCancellation(ct))
            {
                await writer.WriteAsync(Line(cells(row)));
            }
        }
    }
}
