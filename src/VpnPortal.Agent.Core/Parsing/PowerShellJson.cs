using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VpnPortal.Agent.Parsing;

/// <summary>
/// Reading what <c>ConvertTo-Json</c> writes, in Windows PowerShell 5.1 as well as PowerShell 7:
/// <list type="bullet">
/// <item>no output at all for an empty pipeline, a bare object for one item, an array for several;</item>
/// <item>dates as <c>"\/Date(1700000000000)\/"</c> (5.1), ISO 8601 (7), or an object whose <c>value</c> is either
/// (5.1 wraps a <c>Get-Date</c> result with its DisplayHint and DateTime note properties);</item>
/// <item>string arrays that are a bare string when they hold one element;</item>
/// <item>property names as the format view shows them, with a unit: <c>ConnectionDuration(s)</c>, <c>Timeout(s)</c>.</item>
/// </list>
/// Every failure is an <see cref="OutputFormatException"/> naming the item and property.
/// </summary>
internal static partial class PowerShellJson
{
    /// <summary>The items of a <c>ConvertTo-Json</c> output: none, one object, or the objects of an array.</summary>
    public static IReadOnlyList<JsonElement> Items(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        var text = json.Trim().TrimStart('\uFEFF');
        if (text.Length == 0)
        {
            return [];
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false, MaxDepth = 16 });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new OutputFormatException(source, $"not valid JSON: {e.Message}", e.LineNumber is { } l ? (int)l + 1 : null, inner: e);
        }

        return root.ValueKind switch
        {
            JsonValueKind.Null => [],
            JsonValueKind.Object => [root],
            JsonValueKind.Array => root.EnumerateArray().Select((item, i) => item.ValueKind == JsonValueKind.Object
                ? item
                : throw new OutputFormatException(source, $"expected an object, found {Describe(item)}", field: $"[{i}]")).ToList(),
            _ => throw new OutputFormatException(source, $"expected an object or an array of objects, found {Describe(root)}"),
        };
    }

    /// <summary>A property by any of its names, ignoring case and a trailing unit ("ConnectionDuration(s)"); null when absent or JSON null.</summary>
    public static JsonElement? Property(JsonElement item, params string[] names)
    {
        foreach (var property in item.EnumerateObject())
        {
            var bare = WithoutUnit(property.Name);
            if (names.Any(n => string.Equals(n, bare, StringComparison.OrdinalIgnoreCase)))
            {
                return property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
            }
        }

        return null;
    }

    public static string? OptionalString(JsonElement item, Place place, params string[] names)
    {
        if (Property(item, names) is not { } value)
        {
            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            // An enum that was not stringified arrives as its number; keep it visible rather than drop it.
            JsonValueKind.Number => value.GetRawText(),
            _ => throw place.Error(names[0], $"expected a string, found {Describe(value)}"),
        };
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    /// <summary>A string array that 5.1 may have written as a bare string; blank entries are left out.</summary>
    public static IReadOnlyList<string> StringList(JsonElement item, Place place, params string[] names)
    {
        if (Property(item, names) is not { } value)
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()) ? [] : [value.GetString()!.Trim()],
            JsonValueKind.Array => value.EnumerateArray().Select((e, i) => e.ValueKind switch
            {
                JsonValueKind.String => e.GetString()!.Trim(),
                JsonValueKind.Null => "",
                _ => throw place.Error($"{names[0]}[{i}]", $"expected a string, found {Describe(e)}"),
            }).Where(s => s.Length > 0).ToList(),
            _ => throw place.Error(names[0], $"expected a string or an array of strings, found {Describe(value)}"),
        };
    }

    /// <summary>A whole number within [min, max]; a numeric string is accepted (5.1 writes some CIM uint64 values that way).</summary>
    public static long RequiredInteger(JsonElement item, Place place, long min, long max, params string[] names) =>
        OptionalInteger(item, place, min, max, names) ?? throw place.Error(names[0], "is missing");

    public static long? OptionalInteger(JsonElement item, Place place, long min, long max, params string[] names)
    {
        if (Property(item, names) is not { } value)
        {
            return null;
        }

        long number;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (!value.TryGetInt64(out number))
            {
                throw place.Error(names[0], $"{value.GetRawText()} is not a whole number in range");
            }
        }
        else if (value.ValueKind == JsonValueKind.String
            && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
        }
        else
        {
            throw place.Error(names[0], $"expected a whole number, found {Describe(value)}");
        }

        return number >= min && number <= max
            ? number
            : throw place.Error(names[0], $"{number} is outside the plausible range {min} to {max}");
    }

    /// <summary>A date in any of the forms above; an absolute instant (5.1's milliseconds are UTC, ISO text carries its offset or is UTC).</summary>
    public static DateTimeOffset RequiredDate(JsonElement item, Place place, params string[] names)
    {
        if (Property(item, names) is not { } value)
        {
            throw place.Error(names[0], "is missing");
        }

        if (value.ValueKind == JsonValueKind.Object && Property(value, "value") is { } inner)
        {
            value = inner;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw place.Error(names[0], $"expected a date, found {Describe(value)}");
        }

        var text = value.GetString()!.Trim();
        var legacy = LegacyDate().Match(text);
        if (legacy.Success)
        {
            // The number is milliseconds since 1970 UTC; the optional +hhmm only says which zone the writer was in.
            return long.TryParse(legacy.Groups["ms"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
                && ms is > -62_135_596_800_000 and < 253_402_300_800_000
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : throw place.Error(names[0], $"'{text}' is out of range");
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : throw place.Error(names[0], $"'{text}' is not a date");
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Shorten(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static string WithoutUnit(string name)
    {
        var open = name.IndexOf('(', StringComparison.Ordinal);
        return open > 0 && name.EndsWith(')') ? name[..open].TrimEnd() : name;
    }

    // "\/Date(1700000000000)\/" decodes to "/Date(1700000000000)/"; DataContractJsonSerializer may add "+0100".
    [GeneratedRegex(@"^/Date\((?<ms>-?\d+)(?<offset>[+-]\d{4})?\)/$", RegexOptions.CultureInvariant)]
    private static partial Regex LegacyDate();

    /// <summary>Where a value sits, for error messages: the cmdlet, and the item index when the output is a list.</summary>
    public readonly record struct Place(string Source, int? Index)
    {
        public OutputFormatException Error(string field, string problem) =>
            new(Source, problem, field: Index is { } i ? $"[{i}].{field}" : field);
    }
}
