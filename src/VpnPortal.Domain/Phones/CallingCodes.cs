namespace VpnPortal.Domain.Phones;

/// <summary>
/// A country calling code (ITU-T E.164) with what a number behind it looks like: how many digits follow the code
/// (the national significant number) and the trunk prefix people dial at home and wrongly keep after the code.
/// </summary>
/// <param name="Code">The digits after +, e.g. "44".</param>
/// <param name="Country">The country (or countries) as a sentence names it, e.g. "the United Kingdom".</param>
/// <param name="MinDigits">The fewest digits of a national significant number.</param>
/// <param name="MaxDigits">The most digits of a national significant number.</param>
/// <param name="TrunkPrefix">The prefix dialled before a number inside the country (0 in most of Europe), if any.</param>
/// <param name="TrunkNeverLeads">
/// True when no number in the country begins with the trunk prefix, so a number written with it after the code is
/// certainly the mistake (Germany's 0). False where the digits are also a real start (Russia's 8 for 800 numbers): the
/// mistake is then recognised by the length alone.
/// </param>
public sealed record CallingCode(string Code, string Country, int MinDigits, int MaxDigits, string? TrunkPrefix = null, bool TrunkNeverLeads = true);

/// <summary>The assigned geographic country calling codes. Codes are prefix-free, so at most one matches a number.</summary>
public static class CallingCodes
{
    /// <summary>Global services (freephone, satellite, networks): they are not a phone in a country and cannot take a code reliably.</summary>
    public static readonly IReadOnlySet<string> GlobalServices = new HashSet<string>(StringComparer.Ordinal)
    {
        "800", "808", "870", "878", "881", "882", "883", "888", "979",
    };

    private static readonly Dictionary<string, CallingCode> ByCode = Build().ToDictionary(c => c.Code, StringComparer.Ordinal);

    public static IReadOnlyCollection<CallingCode> All => ByCode.Values;

    /// <summary>The code a string of digits (without the +) starts with, or null when no country uses its first digits.</summary>
    public static CallingCode? Match(ReadOnlySpan<char> digits)
    {
        for (var length = 1; length <= 3 && length <= digits.Length; length++)
        {
            if (ByCode.TryGetValue(digits[..length].ToString(), out var code))
            {
                return code;
            }
        }

        return null;
    }

    public static CallingCode? Find(string code) => ByCode.GetValueOrDefault(code);

    // Lengths are those of ordinary subscriber numbers (fixed and mobile), from the national numbering plans as
    // ITU-T publishes them; where a plan mixes lengths, the range covers every ordinary number.
    private static IEnumerable<CallingCode> Build() =>
    [
        new("1", "the United States, Canada or another North American country", 10, 10, "1", TrunkNeverLeads: true),
        new("7", "Russia or Kazakhstan", 10, 10, "8", TrunkNeverLeads: false),
        new("20", "Egypt", 8, 10, "0"),
        new("27", "South Africa", 9, 9, "0"),
        new("30", "Greece", 10, 10),
        new("31", "the Netherlands", 9, 9, "0"),
        new("32", "Belgium", 8, 9, "0"),
        new("33", "France", 9, 9, "0"),
        new("34", "Spain", 9, 9),
        new("36", "Hungary", 8, 9, "06"),
        new("39", "Italy", 6, 11),
        new("40", "Romania", 9, 9, "0"),
        new("41", "Switzerland", 9, 9, "0"),
        new("43", "Austria", 4, 13, "0"),
        new("44", "the United Kingdom", 9, 10, "0"),
        new("45", "Denmark", 8, 8),
        new("46", "Sweden", 7, 10, "0"),
        new("47", "Norway", 8, 8),
        new("48", "Poland", 9, 9),
        new("49", "Germany", 6, 13, "0"),
        new("51", "Peru", 8, 9, "0"),
        new("52", "Mexico", 10, 10),
        new("53", "Cuba", 6, 8, "0"),
        new("54", "Argentina", 10, 11, "0"),
        new("55", "Brazil", 10, 11, "0"),
        new("56", "Chile", 9, 9),
        new("57", "Colombia", 10, 10),
        new("58", "Venezuela", 10, 10, "0"),
        new("60", "Malaysia", 8, 10, "0"),
        new("61", "Australia", 9, 9, "0"),
        new("62", "Indonesia", 8, 12, "0"),
        new("63", "the Philippines", 8, 10, "0"),
        new("64", "New Zealand", 8, 10, "0"),
        new("65", "Singapore", 8, 8),
        new("66", "Thailand", 8, 9, "0"),
        new("81", "Japan", 9, 10, "0"),
        new("82", "South Korea", 8, 10, "0"),
        new("84", "Vietnam", 9, 10, "0"),
        new("86", "China", 10, 11, "0"),
        new("90", "Turkey", 10, 10, "0"),
        new("91", "India", 10, 10, "0"),
        new("92", "Pakistan", 9, 10, "0"),
        new("93", "Afghanistan", 9, 9, "0"),
        new("94", "Sri Lanka", 9, 9, "0"),
        new("95", "Myanmar", 7, 10, "0"),
        new("98", "Iran", 10, 10, "0"),
        new("211", "South Sudan", 9, 9, "0"),
        new("212", "Morocco", 9, 9, "0"),
        new("213", "Algeria", 8, 9, "0"),
        new("216", "Tunisia", 8, 8),
        new("218", "Libya", 8, 9, "0"),
        new("220", "the Gambia", 7, 7),
        new("221", "Senegal", 9, 9),
        new("222", "Mauritania", 8, 8),
        new("223", "Mali", 8, 8),
        new("224", "Guinea", 8, 9),
        new("225", "Côte d'Ivoire", 10, 10),
        new("226", "Burkina Faso", 8, 8),
        new("227", "Niger", 8, 8),
        new("228", "Togo", 8, 8),
        new("229", "Benin", 8, 10),
        new("230", "Mauritius", 7, 8),
        new("231", "Liberia", 7, 9, "0"),
        new("232", "Sierra Leone", 8, 8, "0"),
        new("233", "Ghana", 9, 9, "0"),
        new("234", "Nigeria", 8, 10, "0"),
        new("235", "Chad", 8, 8),
        new("236", "the Central African Republic", 8, 8),
        new("237", "Cameroon", 9, 9),
        new("238", "Cape Verde", 7, 7),
        new("239", "São Tomé and Príncipe", 7, 7),
        new("240", "Equatorial Guinea", 9, 9),
        new("241", "Gabon", 7, 8),
        new("242", "the Republic of the Congo", 9, 9),
        new("243", "the Democratic Republic of the Congo", 9, 9, "0"),
        new("244", "Angola", 9, 9),
        new("245", "Guinea-Bissau", 7, 9),
        new("246", "Diego Garcia", 7, 7),
        new("247", "Ascension Island", 4, 5),
        new("248", "Seychelles", 7, 7),
        new("249", "Sudan", 9, 9, "0"),
        new("250", "Rwanda", 9, 9, "0"),
        new("251", "Ethiopia", 9, 9, "0"),
        new("252", "Somalia", 7, 9, "0"),
        new("253", "Djibouti", 8, 8),
        new("254", "Kenya", 9, 10, "0"),
        new("255", "Tanzania", 9, 9, "0"),
        new("256", "Uganda", 9, 9, "0"),
        new("257", "Burundi", 8, 8),
        new("258", "Mozambique", 8, 9),
        new("260", "Zambia", 9, 9, "0"),
        new("261", "Madagascar", 9, 9, "0"),
        new("262", "Réunion or Mayotte", 9, 9, "0"),
        new("263", "Zimbabwe", 5, 10, "0"),
        new("264", "Namibia", 8, 9, "0"),
        new("265", "Malawi", 7, 9, "0"),
        new("266", "Lesotho", 8, 8),
        new("267", "Botswana", 7, 8),
        new("268", "Eswatini", 8, 8),
        new("269", "the Comoros", 7, 7),
        new("290", "Saint Helena", 4, 5),
        new("291", "Eritrea", 7, 7, "0"),
        new("297", "Aruba", 7, 7),
        new("298", "the Faroe Islands", 6, 6),
        new("299", "Greenland", 6, 6),
        new("350", "Gibraltar", 8, 8),
        new("351", "Portugal", 9, 9),
        new("352", "Luxembourg", 4, 11),
        new("353", "Ireland", 7, 10, "0"),
        new("354", "Iceland", 7, 9),
        new("355", "Albania", 8, 9, "0"),
        new("356", "Malta", 8, 8),
        new("357", "Cyprus", 8, 8),
        new("358", "Finland", 5, 12, "0"),
        new("359", "Bulgaria", 8, 9, "0"),
        new("370", "Lithuania", 8, 8, "8", TrunkNeverLeads: false),
        new("371", "Latvia", 8, 8),
        new("372", "Estonia", 7, 8),
        new("373", "Moldova", 8, 8, "0"),
        new("374", "Armenia", 8, 8, "0"),
        new("375", "Belarus", 9, 9, "8", TrunkNeverLeads: false),
        new("376", "Andorra", 6, 9),
        new("377", "Monaco", 8, 9),
        new("378", "San Marino", 6, 10),
        new("380", "Ukraine", 9, 9, "0"),
        new("381", "Serbia", 6, 12, "0"),
        new("382", "Montenegro", 8, 8, "0"),
        new("383", "Kosovo", 8, 9, "0"),
        new("385", "Croatia", 8, 9, "0"),
        new("386", "Slovenia", 8, 8, "0"),
        new("387", "Bosnia and Herzegovina", 8, 9, "0"),
        new("389", "North Macedonia", 8, 8, "0"),
        new("420", "Czechia", 9, 9),
        new("421", "Slovakia", 9, 9, "0"),
        new("423", "Liechtenstein", 7, 9),
        new("500", "the Falkland Islands", 5, 5),
        new("501", "Belize", 7, 7),
        new("502", "Guatemala", 8, 8),
        new("503", "El Salvador", 8, 8),
        new("504", "Honduras", 8, 8),
        new("505", "Nicaragua", 8, 8),
        new("506", "Costa Rica", 8, 8),
        new("507", "Panama", 7, 8),
        new("508", "Saint Pierre and Miquelon", 6, 6),
        new("509", "Haiti", 8, 8),
        new("590", "Guadeloupe", 9, 9, "0"),
        new("591", "Bolivia", 8, 8, "0"),
        new("592", "Guyana", 7, 7),
        new("593", "Ecuador", 8, 9, "0"),
        new("594", "French Guiana", 9, 9, "0"),
        new("595", "Paraguay", 6, 9, "0"),
        new("596", "Martinique", 9, 9, "0"),
        new("597", "Suriname", 6, 7),
        new("598", "Uruguay", 8, 8, "0"),
        new("599", "Curaçao or the Caribbean Netherlands", 7, 8),
        new("670", "Timor-Leste", 7, 8),
        new("672", "Norfolk Island", 5, 6),
        new("673", "Brunei", 7, 7),
        new("674", "Nauru", 7, 7),
        new("675", "Papua New Guinea", 7, 8),
        new("676", "Tonga", 5, 7),
        new("677", "the Solomon Islands", 5, 7),
        new("678", "Vanuatu", 5, 7),
        new("679", "Fiji", 7, 7),
        new("680", "Palau", 7, 7),
        new("681", "Wallis and Futuna", 6, 9),
        new("682", "the Cook Islands", 5, 5),
        new("683", "Niue", 4, 7),
        new("685", "Samoa", 5, 7),
        new("686", "Kiribati", 5, 8),
        new("687", "New Caledonia", 6, 6),
        new("688", "Tuvalu", 5, 7),
        new("689", "French Polynesia", 6, 8),
        new("690", "Tokelau", 4, 7),
        new("691", "Micronesia", 7, 7),
        new("692", "the Marshall Islands", 7, 7),
        new("850", "North Korea", 6, 10, "0"),
        new("852", "Hong Kong", 8, 8),
        new("853", "Macau", 8, 8),
        new("855", "Cambodia", 8, 9, "0"),
        new("856", "Laos", 8, 10, "0"),
        new("880", "Bangladesh", 8, 10, "0"),
        new("886", "Taiwan", 8, 9, "0"),
        new("960", "the Maldives", 7, 7),
        new("961", "Lebanon", 7, 8, "0"),
        new("962", "Jordan", 8, 9, "0"),
        new("963", "Syria", 8, 9, "0"),
        new("964", "Iraq", 8, 10, "0"),
        new("965", "Kuwait", 8, 8),
        new("966", "Saudi Arabia", 9, 9, "0"),
        new("967", "Yemen", 7, 9, "0"),
        new("968", "Oman", 8, 8),
        new("970", "Palestine", 8, 9, "0"),
        new("971", "the United Arab Emirates", 8, 9, "0"),
        new("972", "Israel", 8, 9, "0"),
        new("973", "Bahrain", 8, 8),
        new("974", "Qatar", 8, 8),
        new("975", "Bhutan", 7, 8),
        new("976", "Mongolia", 8, 8, "0"),
        new("977", "Nepal", 8, 10, "0"),
        new("992", "Tajikistan", 9, 9),
        new("993", "Turkmenistan", 8, 8, "8", TrunkNeverLeads: false),
        new("994", "Azerbaijan", 9, 9, "0"),
        new("995", "Georgia", 9, 9, "0"),
        new("996", "Kyrgyzstan", 9, 9, "0"),
        new("998", "Uzbekistan", 9, 9),
    ];
}
