using System.Globalization;
using PhoneNumbers;

namespace VpnPortal.Domain.Phones;

/// <summary>What the world's numbering plans (libphonenumber's metadata) say about calling codes, in words for a sentence.</summary>
internal static class NumberingPlans
{
    /// <summary>The region libphonenumber answers for a calling code no country uses, and is given for a number with +.</summary>
    public const string UnknownRegion = "ZZ";

    public static PhoneNumberUtil Util { get; } = PhoneNumberUtil.GetInstance();

    private static readonly HashSet<int> GlobalServices = [.. Util.GetSupportedGlobalNetworkCallingCodes()];

    private static readonly HashSet<string> Regions = new(Util.GetSupportedRegions(), StringComparer.Ordinal);

    /// <summary>Freephone, satellite and network codes (+800, +881, +882…): not a phone in a country.</summary>
    public static bool IsGlobalService(int callingCode) => GlobalServices.Contains(callingCode);

    /// <summary>True when the digits (without +) are exactly a calling code some country or service uses.</summary>
    public static bool IsCallingCode(string digits) =>
        digits.Length is >= 1 and <= 3 && Util.GetRegionCodeForCountryCode(int.Parse(digits, CultureInfo.InvariantCulture)) != UnknownRegion;

    /// <summary>The ISO 3166 code libphonenumber knows ("GB" for "gb"), or null for anything else.</summary>
    public static string? Region(string? region)
    {
        var upper = region?.Trim().ToUpperInvariant();
        return upper is not null && Regions.Contains(upper) ? upper : null;
    }

    /// <summary>How many digits may follow the calling code, as a sentence says it: "9", "9 or 10", "7, 9 or 10", "4 to 15".</summary>
    public static string Lengths(int callingCode)
    {
        var lengths = Metadata(callingCode)?.GeneralDesc.PossibleLengthList.Order().ToList() ?? [];
        var parts = new List<string>();
        for (var i = 0; i < lengths.Count;)
        {
            var end = i;
            while (end + 1 < lengths.Count && lengths[end + 1] == lengths[end] + 1)
            {
                end++;
            }

            if (end - i >= 2)
            {
                parts.Add($"{lengths[i]} to {lengths[end]}");
            }
            else
            {
                parts.AddRange(lengths[i..(end + 1)].Select(l => l.ToString(CultureInfo.InvariantCulture)));
            }

            i = end + 1;
        }

        return parts.Count <= 1 ? string.Concat(parts) : string.Join(", ", parts[..^1]) + " or " + parts[^1];
    }

    /// <summary>
    /// Where a calling code rings, as a sentence names it: the one country, two that share the code ("Russia or
    /// Kazakhstan"), the main one of several ("the United Kingdom" for +44), or North America for +1.
    /// </summary>
    public static string Place(int callingCode)
    {
        if (callingCode == 1)
        {
            return "North America";
        }

        var regions = Util.GetRegionCodesForCountryCode(callingCode);
        return regions.Count == 2
            ? $"{CountryName(regions[0])} or {CountryName(regions[1])}"
            : CountryName(Util.GetRegionCodeForCountryCode(callingCode));
    }

    /// <summary>"the United Kingdom", "France", "the Netherlands": the English name, with "the" where English puts one.</summary>
    public static string CountryName(string region)
    {
        string name;
        try
        {
            name = new RegionInfo(region).EnglishName;
        }
        catch (ArgumentException)
        {
            // A few territories (Ascension, Tristan da Cunha) have no name in the culture data.
            return $"the country with calling code +{Util.GetCountryCodeForRegion(region)}";
        }

        return TakesThe(name) ? "the " + name : name;
    }

    private static bool TakesThe(string name) =>
        name.StartsWith("United ", StringComparison.Ordinal)
        || name.EndsWith(" Islands", StringComparison.Ordinal)
        || name.EndsWith(" Republic", StringComparison.Ordinal)
        || name is "Netherlands" or "Philippines" or "Bahamas" or "Gambia" or "Comoros" or "Maldives" or "Caribbean Netherlands";

    /// <summary>The main region's plan for a calling code: the one libphonenumber checks lengths against.</summary>
    private static PhoneMetadata? Metadata(int callingCode) =>
        Util.GetMetadataForRegion(Util.GetRegionCodeForCountryCode(callingCode));
}
