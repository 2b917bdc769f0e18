using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PhoneNumbers;
using static VpnPortal.Domain.Phones.NumberingPlans;
using PlanNumber = PhoneNumbers.PhoneNumber;

namespace VpnPortal.Domain.Phones;

/// <summary>
/// A phone number in international (E.164) form: a country calling code and the national significant number, plus an
/// optional extension (office phones only), read against the world's numbering plans (libphonenumber). Built by
/// <see cref="Parse"/>, which takes only numbers valid today, or by <see cref="FromStored"/>, which reads back a number
/// the portal or the directory saved.
/// </summary>
public sealed partial record PhoneNumber
{
    /// <summary>E.164 allows at most 15 digits, country calling code included.</summary>
    public const int MaxDigits = 15;

    /// <summary>More than any way of writing a 15-digit number with an extension: longer input is refused unread.</summary>
    public const int MaxInputLength = 64;

    public const int MaxExtensionDigits = 6;

    private const string EnterANumber =
        "Enter a phone number, starting with + and the country calling code, for example +44 7400 123456.";

    private PhoneNumber(PlanNumber number, string? extension)
    {
        CountryCode = number.CountryCode.ToString(CultureInfo.InvariantCulture);
        NationalNumber = Util.GetNationalSignificantNumber(number);
        Extension = extension;
        RegionCode = Util.GetRegionCodeForNumber(number);
        LineType = (PhoneLineType)Util.GetNumberType(number);
        var withExtension = extension is null ? number.ToBuilder().ClearExtension() : number.ToBuilder().SetExtension(extension);
        Display = Util.Format(withExtension.Build(), PhoneNumberFormat.INTERNATIONAL);
    }

    public string CountryCode { get; }

    /// <summary>The digits after the calling code, a leading 0 included where the number has one (Italy's 06…).</summary>
    public string NationalNumber { get; }

    public string? Extension { get; }

    /// <summary>The ISO 3166 code of the country or territory the number belongs to ("GB"); null when the plan cannot tell.</summary>
    public string? RegionCode { get; }

    /// <summary>What kind of line the numbering plan says this is; <see cref="PhoneLineType.Unknown"/> when it does not say.</summary>
    public PhoneLineType LineType { get; }

    /// <summary>"+44 20 7946 0018 x123": international format, grouped as the country writes it, for people to read.</summary>
    public string Display { get; }

    /// <summary>+447400123456: what is stored and compared.</summary>
    public string E164 => "+" + CountryCode + NationalNumber;

    /// <summary>+442079460018x123: E.164 and the extension, if any; the form the portal stores, and reads back with <see cref="FromStored"/>.</summary>
    public string Stored => Extension is null ? E164 : E164 + "x" + Extension;

    /// <summary>"+44 7400123456" (and "x123"): the form Microsoft Entra's phone authentication methods use.</summary>
    public string EntraFormat => $"+{CountryCode} {NationalNumber}" + (Extension is null ? "" : "x" + Extension);

    /// <summary>"+44 ••••••••56": the country and the last two digits, enough to recognise one's own number.</summary>
    public string Masked => $"+{CountryCode} {new string('•', NationalNumber.Length - 2)}{NationalNumber[^2..]}";

    /// <summary>
    /// Whether a text message can reach the number: a mobile, or a number whose plan does not tell mobiles from landlines
    /// (North America) or does not say, and no extension.
    /// </summary>
    public bool CanReceiveText => TextMessageProblem is null;

    /// <summary>Why a text message cannot reach this number, in words for its owner; null when one can.</summary>
    public PhoneNumberProblem? TextMessageProblem
    {
        get
        {
            if (Extension is not null)
            {
                return CannotReceiveText("has an extension");
            }

            return LineType switch
            {
                PhoneLineType.Mobile or PhoneLineType.FixedLineOrMobile or PhoneLineType.Unknown => null,
                PhoneLineType.FixedLine => CannotReceiveText("is a landline"),
                PhoneLineType.TollFree => CannotReceiveText("is a freephone number"),
                PhoneLineType.PremiumRate => CannotReceiveText("is a premium-rate number"),
                PhoneLineType.SharedCost => CannotReceiveText("is a shared-cost number"),
                PhoneLineType.Voip => CannotReceiveText("is an internet (VoIP) number"),
                PhoneLineType.PersonalNumber => CannotReceiveText("is a personal forwarding number"),
                PhoneLineType.Pager => CannotReceiveText("is a pager"),
                PhoneLineType.Uan => CannotReceiveText("is a company's single access number"),
                PhoneLineType.Voicemail => CannotReceiveText("is a voicemail access number"),
                _ => null,
            };
        }
    }

    public override string ToString() => Display;

    /// <summary>Whether <paramref name="region"/> is an ISO 3166 code the numbering plans know ("GB", "de"), to read numbers in.</summary>
    public static bool IsKnownRegion(string? region) => NumberingPlans.Region(region) is not null;

    /// <summary>
    /// Reads a number as a person types it, or says what is wrong with it in words they can act on. With the person's
    /// country as <paramref name="region"/> (ISO 3166, "GB"), a number written as dialled at home (07400 123456,
    /// 00 33 6…) is read as that country reads it; without it, only a number starting with + is taken.
    /// </summary>
    public static PhoneNumberParse Parse(string? input, bool allowExtension = false, string? region = null)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return Problem(PhoneNumberProblemKind.Empty, EnterANumber);
        }

        if (input.Length > MaxInputLength)
        {
            return Problem(PhoneNumberProblemKind.TooLong, "That is too long to be a phone number.");
        }

        var text = WithoutInvisibleMarks(input).Trim();
        string? extension = null;
        var ext = ExtensionPattern().Match(text);
        if (ext.Success)
        {
            if (!allowExtension)
            {
                return Problem(PhoneNumberProblemKind.ExtensionNotAllowed,
                    "Leave out the extension: this number must ring or receive texts directly.");
            }

            extension = PhoneNumberUtil.NormalizeDigitsOnly(ext.Groups["ext"].Value);
            if (extension.Length > MaxExtensionDigits)
            {
                return Problem(PhoneNumberProblemKind.InvalidExtension, $"An extension has at most {MaxExtensionDigits} digits.");
            }

            text = text[..ext.Index].TrimEnd();
        }

        if (Unreadable(text, out var hasPlus) is { } unreadable)
        {
            return unreadable;
        }

        var digits = PhoneNumberUtil.NormalizeDigitsOnly(WithoutBracketedTrunkZero(text));
        if (digits.Length == 0)
        {
            return Problem(PhoneNumberProblemKind.Empty, EnterANumber);
        }

        if (hasPlus)
        {
            return ParseInternational(digits, extension);
        }

        return Region(region) is { } home ? ParseAtHome(digits, extension, home) : ExplainMissingPlus(digits, extension);
    }

    /// <summary>
    /// Reads back a number saved in E.164 (with "x" and its extension) or in Entra's form. A number the plans no longer
    /// call valid (its range withdrawn since) is still read, so its owner can see and change it; null when the text is
    /// not a number with + and a calling code at all.
    /// </summary>
    public static PhoneNumber? FromStored(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored) || stored.Length > MaxInputLength || !stored.TrimStart().StartsWith('+'))
        {
            return null;
        }

        try
        {
            var number = Settled(Util.Parse(stored, UnknownRegion));
            var national = Util.GetNationalSignificantNumber(number);
            var extension = string.IsNullOrEmpty(number.Extension) ? null : PhoneNumberUtil.NormalizeDigitsOnly(number.Extension);
            return national.Length >= 2 && number.CountryCode.ToString(CultureInfo.InvariantCulture).Length + national.Length <= MaxDigits
                ? new PhoneNumber(number, extension)
                : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    private static PhoneNumberParse ParseInternational(string digits, string? extension)
    {
        PlanNumber number;
        try
        {
            number = Settled(Util.Parse("+" + digits, UnknownRegion));
        }
        catch (NumberParseException e)
        {
            return e.ErrorType switch
            {
                _ when digits.StartsWith("00", StringComparison.Ordinal) =>
                    Problem(PhoneNumberProblemKind.InternationalPrefix, "Write either + or 00 before the country calling code, not both.",
                        Suggest(digits[2..], extension)),
                _ when digits[0] == '0' =>
                    Problem(PhoneNumberProblemKind.UnknownCountryCode,
                        "After + comes the country calling code, which never starts with 0 (for example +44 for the United Kingdom)."),
                ErrorType.NOT_A_NUMBER or ErrorType.TOO_SHORT_NSN when IsCallingCode(digits) =>
                    Problem(PhoneNumberProblemKind.TooShort, $"Add the number after the country calling code +{digits}."),
                ErrorType.TOO_SHORT_NSN when CallingCodeOf(digits) is { } found =>
                    LengthProblem(PhoneNumberProblemKind.TooShort, int.Parse(found, CultureInfo.InvariantCulture), digits.Length - found.Length),
                ErrorType.TOO_LONG => TooManyDigits(digits),
                _ => UnknownCallingCode(digits),
            };
        }

        if (digits.Length > MaxDigits)
        {
            return TooManyDigits(digits);
        }

        if (IsGlobalService(number.CountryCode))
        {
            return Problem(PhoneNumberProblemKind.GlobalService,
                $"+{number.CountryCode} numbers are international freephone or satellite services, not a phone in a country: enter your own mobile or office number.");
        }

        var code = number.CountryCode.ToString(CultureInfo.InvariantCulture);
        var typed = digits[code.Length..];
        var national = Util.GetNationalSignificantNumber(number);
        if (typed.Length > national.Length && typed.EndsWith(national, StringComparison.Ordinal) && Check(number) is null)
        {
            // The plan dropped a trunk prefix dialled only at home: said, so the person learns the form that works abroad.
            var trunk = typed[..^national.Length];
            var fixedNumber = new PhoneNumber(number, extension);
            return Problem(PhoneNumberProblemKind.TrunkPrefix,
                $"Leave out the {trunk} after +{code}: it is dialled only from inside {CountryName(fixedNumber.RegionCode!)}. Write {fixedNumber.Display}.",
                fixedNumber);
        }

        // Mexico dropped the mobile "1" in 2019, yet many address books still carry +52 1.
        if (code == "52" && typed.Length == 11 && typed[0] == '1' && Suggest("52" + typed[1..], extension) is { } mexican)
        {
            return Problem(PhoneNumberProblemKind.TrunkPrefix,
                $"Since 2019 numbers in Mexico have 10 digits after +52: leave out the 1. Write {mexican.Display}.", mexican);
        }

        return Check(number) is { } problem ? new PhoneNumberParse(null, problem) : new PhoneNumberParse(new PhoneNumber(number, extension), null);
    }

    /// <summary>A number without +, read as the person's own country dials it.</summary>
    private static PhoneNumberParse ParseAtHome(string digits, string? extension, string region)
    {
        PlanNumber number;
        try
        {
            number = Settled(Util.Parse(digits, region));
        }
        catch (NumberParseException)
        {
            return ExplainMissingPlus(digits, extension);
        }

        if (Check(number) is null)
        {
            return new PhoneNumberParse(new PhoneNumber(number, extension), null);
        }

        // 447400123456 or 0033 6… that did not read at home may still be an international number without its +.
        var explained = ExplainMissingPlus(digits, extension);
        if (explained.Problem?.Suggestion is not null)
        {
            return explained;
        }

        // A number too short or too long keeps its trunk prefix in the plan's reading: said after +, as the other problems are.
        var code = Util.GetCountryCodeForRegion(region).ToString(CultureInfo.InvariantCulture);
        var trunk = Util.GetMetadataForRegion(region).NationalPrefix;
        var national = !string.IsNullOrEmpty(trunk) && digits.StartsWith(trunk, StringComparison.Ordinal) ? digits[trunk.Length..] : digits;
        return national.Length > 0 ? ParseInternational(code + national, extension) : explained;
    }

    private static PhoneNumberParse ExplainMissingPlus(string digits, string? extension)
    {
        if (digits.StartsWith("00", StringComparison.Ordinal) && Suggest(digits[2..], extension) is { } fromZeroZero)
        {
            return Problem(PhoneNumberProblemKind.InternationalPrefix,
                $"Write + instead of 00 at the start: {fromZeroZero}.", fromZeroZero);
        }

        if (digits.StartsWith("011", StringComparison.Ordinal) && Suggest(digits[3..], extension) is { } fromNorthAmerica)
        {
            return Problem(PhoneNumberProblemKind.InternationalPrefix,
                $"Write + instead of 011 at the start: {fromNorthAmerica}.", fromNorthAmerica);
        }

        if (digits[0] == '0')
        {
            return Problem(PhoneNumberProblemKind.NationalFormat,
                "Write the number in international format: + and the country calling code, then the number without its leading 0 " +
                "(07400 123456 in the United Kingdom is +44 7400 123456).");
        }

        if (Suggest(digits, extension) is { } withPlus)
        {
            return Problem(PhoneNumberProblemKind.MissingPlus, $"Start with +: did you mean {withPlus}?", withPlus);
        }

        return Problem(PhoneNumberProblemKind.MissingCountryCode,
            "Start with + and the country calling code, for example +44 for the United Kingdom or +1 for the United States.");
    }

    /// <summary>The number these digits (without +) make when read as international, if they make a valid one.</summary>
    private static PhoneNumber? Suggest(string digits, string? extension) =>
        digits.Length > 0 && digits[0] != '0' ? ParseInternational(digits, extension).Number : null;

    /// <summary>What the plan says against a number it could read: its length, then whether the number is in use.</summary>
    private static PhoneNumberProblem? Check(PlanNumber number)
    {
        var code = number.CountryCode;
        var length = Util.GetNationalSignificantNumber(number).Length;
        switch (Util.IsPossibleNumberWithReason(number))
        {
            case PhoneNumberUtil.ValidationResult.IS_POSSIBLE:
                break;
            case PhoneNumberUtil.ValidationResult.TOO_LONG:
                return LengthProblem(PhoneNumberProblemKind.TooLong, code, length).Problem;
            case PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE:
                return UnknownCallingCode(code.ToString(CultureInfo.InvariantCulture)).Problem;
            default:
                // TOO_SHORT, INVALID_LENGTH (between two lengths the plan uses) and IS_POSSIBLE_LOCAL_ONLY (no area code).
                return LengthProblem(PhoneNumberProblemKind.TooShort, code, length).Problem;
        }

        if (Util.IsValidNumber(number))
        {
            return null;
        }

        var national = Util.GetNationalSignificantNumber(number);
        var message = code == 1 && national.Length == 10 && NorthAmericanMistake(national) is { } mistake
            ? mistake
            : $"+{code} {national} is not a number in use in {Place(code)}: check the digits after +{code}.";
        return new PhoneNumberProblem(PhoneNumberProblemKind.InvalidNumber, message, null);
    }

    /// <summary>North American numbers are NPA-NXX-XXXX, where N is 2-9 and an NPA of the form N11 is a service code.</summary>
    private static string? NorthAmericanMistake(string national) =>
        national[0] is '0' or '1' ? "In North America the area code after +1 never starts with 0 or 1: check the first digits."
        : national[1] == '1' && national[2] == '1' ? $"{national[..3]} is a service code, not an area code: check the first digits after +1."
        : national[3] is '0' or '1' ? "In North America the local number after the area code never starts with 0 or 1: check the fourth digit after +1."
        : null;

    private static PhoneNumberParse LengthProblem(PhoneNumberProblemKind kind, int code, int length) =>
        Problem(kind, $"Numbers in {Place(code)} have {Lengths(code)} digits after +{code}; this one has {length}.");

    private static PhoneNumberParse TooManyDigits(string digits) =>
        Problem(PhoneNumberProblemKind.TooLong,
            $"A phone number has at most {MaxDigits} digits, country calling code included; this one has {digits.Length}.");

    private static PhoneNumberParse UnknownCallingCode(string digits) =>
        Problem(PhoneNumberProblemKind.UnknownCountryCode,
            $"No country uses the calling code +{digits[..Math.Min(3, digits.Length)]}: check the digits right after +.");

    /// <summary>The calling code the digits (without +) start with, if any: codes are prefix-free, so at most one does.</summary>
    /// <summary>
    /// The number as the plan reads its own E.164 form: a second trunk prefix (+49 0 0151…) is dropped only when the
    /// first is gone, so a number is taken in the form that reads back as itself.
    /// </summary>
    private static PlanNumber Settled(PlanNumber number)
    {
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var again = Util.Parse(Util.Format(number, PhoneNumberFormat.E164), UnknownRegion);
                if (Util.GetNationalSignificantNumber(again) == Util.GetNationalSignificantNumber(number))
                {
                    return number.HasExtension ? again.ToBuilder().SetExtension(number.Extension).Build() : again;
                }

                number = again;
            }
        }
        catch (NumberParseException)
        {
            // Its E.164 form does not read (too short to be a number): the checks that follow say so.
        }

        return number;
    }

    private static string? CallingCodeOf(string digits) =>
        Enumerable.Range(1, Math.Min(3, digits.Length)).Select(n => digits[..n]).FirstOrDefault(IsCallingCode);

    private PhoneNumberProblem CannotReceiveText(string what) => new(PhoneNumberProblemKind.CannotReceiveText,
        $"{Display} {what}, which cannot receive text messages: choose a phone call for the code, or enter a mobile number.", null);

    private static PhoneNumberParse Problem(PhoneNumberProblemKind kind, string message, PhoneNumber? suggestion = null) =>
        new(null, new PhoneNumberProblem(kind, message, suggestion));

    /// <summary>
    /// Checks every character before the plan reads the digits: letters (the plan would read 1-800-FLOWERS as digits),
    /// punctuation that is no separator, control characters, and + anywhere but at the start.
    /// </summary>
    private static PhoneNumberParse? Unreadable(string text, out bool hasPlus)
    {
        hasPlus = false;
        var seenDigit = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsDigit(rune) && PhoneNumberUtil.NormalizeDigitsOnly(rune.ToString()).Length == 1)
            {
                seenDigit = true;
            }
            else if (rune.Value is '+' or '\uFF0B')
            {
                if (hasPlus || seenDigit)
                {
                    return Problem(PhoneNumberProblemKind.InvalidCharacter, "Write + only once, at the very start.");
                }

                hasPlus = true;
            }
            else if (Rune.IsLetter(rune))
            {
                return Problem(PhoneNumberProblemKind.InvalidCharacter, "Use digits only: letters are not part of a phone number.");
            }
            else if (IsSeparator(rune))
            {
                continue;
            }
            else if (Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.PrivateUse)
            {
                return Problem(PhoneNumberProblemKind.InvalidCharacter,
                    $"The number holds an invisible character (U+{rune.Value:X4}): type it again with digits, spaces or dashes, starting with +.");
            }
            else
            {
                return Problem(PhoneNumberProblemKind.InvalidCharacter,
                    $"\"{rune}\" is not part of a phone number: use digits, spaces or dashes, starting with +.");
            }
        }

        return null;
    }

    /// <summary>Spaces of every kind (a tab from a spreadsheet too), dashes, dots, slashes and brackets, full-width ones included.</summary>
    private static bool IsSeparator(Rune rune) =>
        Rune.IsWhiteSpace(rune)
        || rune.Value is '-' or '.' or '/' or '(' or ')' or '\u2212' or (>= '\u2010' and <= '\u2015') or '\uFF08' or '\uFF09' or '\uFF0D' or '\uFF0E' or '\uFF0F';

    /// <summary>
    /// Direction marks, zero-width spaces and joiners, and the soft hyphen come along when a number is copied from a web
    /// page or a right-to-left text; they are not seen and not part of the number.
    /// </summary>
    private static string WithoutInvisibleMarks(string text) =>
        text.Any(IsInvisibleMark) ? string.Concat(text.Where(c => !IsInvisibleMark(c))) : text;

    private static bool IsInvisibleMark(char c) =>
        c is '\u00AD' or '\u061C' or (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u2069') or '\uFEFF';

    /// <summary>"+44 (0)20 7946 0018": the bracketed 0 is a widespread way of writing the trunk prefix, and unambiguous.</summary>
    private static string WithoutBracketedTrunkZero(string text)
    {
        var match = BracketedTrunkZero().Match(text);
        if (!match.Success)
        {
            return text;
        }

        var code = PhoneNumberUtil.NormalizeDigitsOnly(match.Groups["code"].Value);
        return IsCallingCode(code)
            && Util.GetMetadataForRegion(Util.GetRegionCodeForCountryCode(int.Parse(code, CultureInfo.InvariantCulture)))?.NationalPrefix == "0"
            ? match.Groups["head"].Value + " " + text[match.Length..]
            : text;
    }

    // The input is at most MaxInputLength characters, so a match takes microseconds; the timeout only bounds the worst
    // case. It is wall-clock time, so it is long enough that a thread the OS sets aside on a busy server (a burst of
    // requests at once) does not fail a good number.
    private const int MatchTimeoutMilliseconds = 1000;

    [GeneratedRegex(@"\s*(?:x|ext\.?|extension|#)\s*(?<ext>\d+)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeoutMilliseconds)]
    private static partial Regex ExtensionPattern();

    [GeneratedRegex(@"^(?<head>[+\uFF0B]\s*(?<code>\d{1,3}))\s*[(\uFF08]\s*[0\uFF10]\s*[)\uFF09]", RegexOptions.CultureInvariant, MatchTimeoutMilliseconds)]
    private static partial Regex BracketedTrunkZero();
}

/// <summary>The outcome of reading a phone number: the number, or the problem (with a corrected number when one is evident).</summary>
public sealed record PhoneNumberParse(PhoneNumber? Number, PhoneNumberProblem? Problem)
{
    public bool IsValid => Number is not null;
}

public sealed record PhoneNumberProblem(PhoneNumberProblemKind Kind, string Message, PhoneNumber? Suggestion);

public enum PhoneNumberProblemKind
{
    Empty,
    InvalidCharacter,
    ExtensionNotAllowed,
    InvalidExtension,
    MissingPlus,
    MissingCountryCode,
    NationalFormat,
    InternationalPrefix,
    UnknownCountryCode,
    GlobalService,
    TrunkPrefix,
    TooShort,
    TooLong,
    InvalidNumber,

    /// <summary>A valid number of a kind no text message reaches (a landline, freephone, premium-rate…), or with an extension.</summary>
    CannotReceiveText,
}

/// <summary>What kind of line a numbering plan says a number is; the values are libphonenumber's.</summary>
public enum PhoneLineType
{
    FixedLine = PhoneNumberType.FIXED_LINE,
    Mobile = PhoneNumberType.MOBILE,

    /// <summary>The plan does not tell them apart (North America, and a few others).</summary>
    FixedLineOrMobile = PhoneNumberType.FIXED_LINE_OR_MOBILE,
    TollFree = PhoneNumberType.TOLL_FREE,
    PremiumRate = PhoneNumberType.PREMIUM_RATE,
    SharedCost = PhoneNumberType.SHARED_COST,
    Voip = PhoneNumberType.VOIP,
    PersonalNumber = PhoneNumberType.PERSONAL_NUMBER,
    Pager = PhoneNumberType.PAGER,
    Uan = PhoneNumberType.UAN,
    Voicemail = PhoneNumberType.VOICEMAIL,
    Unknown = PhoneNumberType.UNKNOWN,
}
