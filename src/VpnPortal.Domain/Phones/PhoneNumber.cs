using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace VpnPortal.Domain.Phones;

/// <summary>
/// A phone number in international (E.164) form: a country calling code and the national significant number, plus an
/// optional extension (office phones only). Built only by <see cref="Parse"/>, so every instance is valid.
/// </summary>
public sealed partial record PhoneNumber
{
    /// <summary>E.164 allows at most 15 digits, country calling code included.</summary>
    public const int MaxDigits = 15;

    /// <summary>More than any way of writing a 15-digit number with an extension: longer input is refused unread.</summary>
    public const int MaxInputLength = 64;

    public const int MaxExtensionDigits = 6;

    private PhoneNumber(CallingCode callingCode, string nationalNumber, string? extension)
    {
        CallingCode = callingCode;
        NationalNumber = nationalNumber;
        Extension = extension;
    }

    public CallingCode CallingCode { get; }

    public string CountryCode => CallingCode.Code;

    public string NationalNumber { get; }

    public string? Extension { get; }

    /// <summary>+447700900123: what is stored and compared.</summary>
    public string E164 => "+" + CountryCode + NationalNumber;

    /// <summary>+442079460018x123: E.164 and the extension, if any; the form the portal stores, and reads back with <see cref="Parse"/>.</summary>
    public string Stored => Extension is null ? E164 : E164 + "x" + Extension;

    /// <summary>"+44 7700900123" (and "x123"): the form Microsoft Entra's phone authentication methods use.</summary>
    public string EntraFormat => $"+{CountryCode} {NationalNumber}" + (Extension is null ? "" : "x" + Extension);

    /// <summary>"+44 ••••••••23": the country and the last two digits, enough to recognise one's own number.</summary>
    public string Masked => $"+{CountryCode} {new string('•', NationalNumber.Length - 2)}{NationalNumber[^2..]}";

    public override string ToString() => EntraFormat;

    /// <summary>Reads a number as a person types it, or says what is wrong with it in words they can act on.</summary>
    public static PhoneNumberParse Parse(string? input, bool allowExtension = false)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return Problem(PhoneNumberProblemKind.Empty,
                "Enter a phone number, starting with + and the country calling code, for example +44 7700 900123.");
        }

        if (input.Length > MaxInputLength)
        {
            return Problem(PhoneNumberProblemKind.TooLong, "That is too long to be a phone number.");
        }

        var text = Fold(input.Trim());
        string? extension = null;
        var ext = ExtensionPattern().Match(text);
        if (ext.Success)
        {
            if (!allowExtension)
            {
                return Problem(PhoneNumberProblemKind.ExtensionNotAllowed,
                    "Leave out the extension: this number must ring or receive texts directly.");
            }

            extension = ext.Groups["ext"].Value;
            if (extension.Length > MaxExtensionDigits)
            {
                return Problem(PhoneNumberProblemKind.InvalidExtension, $"An extension has at most {MaxExtensionDigits} digits.");
            }

            text = text[..ext.Index].TrimEnd();
        }

        text = DropBracketedTrunkZero(text);

        var digits = new StringBuilder(MaxDigits + 3);
        var hasPlus = false;
        foreach (var c in text)
        {
            if (c is >= '0' and <= '9')
            {
                digits.Append(c);
            }
            else if (c == '+')
            {
                if (hasPlus || digits.Length > 0)
                {
                    return Problem(PhoneNumberProblemKind.InvalidCharacter, "Write + only once, at the very start.");
                }

                hasPlus = true;
            }
            else if (!IsSeparator(c))
            {
                return Problem(PhoneNumberProblemKind.InvalidCharacter, char.IsLetter(c)
                    ? "Use digits only: letters are not part of a phone number."
                    : $"\"{c}\" is not part of a phone number: use digits, spaces or dashes, starting with +.");
            }
        }

        if (digits.Length == 0)
        {
            return Problem(PhoneNumberProblemKind.Empty,
                "Enter a phone number, starting with + and the country calling code, for example +44 7700 900123.");
        }

        return hasPlus ? ParseInternational(digits.ToString(), extension) : ExplainMissingPlus(digits.ToString(), extension);
    }

    private static PhoneNumberParse ParseInternational(string digits, string? extension)
    {
        if (digits.StartsWith("00", StringComparison.Ordinal))
        {
            return Problem(PhoneNumberProblemKind.InternationalPrefix,
                "Write either + or 00 before the country calling code, not both.", Suggest(digits[2..], extension));
        }

        if (digits[0] == '0')
        {
            return Problem(PhoneNumberProblemKind.UnknownCountryCode,
                "After + comes the country calling code, which never starts with 0 (for example +44 for the United Kingdom).");
        }

        if (digits.Length > MaxDigits)
        {
            return Problem(PhoneNumberProblemKind.TooLong,
                $"A phone number has at most {MaxDigits} digits, country calling code included; this one has {digits.Length}.");
        }

        var code = CallingCodes.Match(digits);
        if (code is null)
        {
            var first = digits[..Math.Min(3, digits.Length)];
            return CallingCodes.GlobalServices.Contains(first)
                ? Problem(PhoneNumberProblemKind.GlobalService,
                    $"+{first} numbers are international freephone or satellite services, not a phone in a country: enter your own mobile or office number.")
                : Problem(PhoneNumberProblemKind.UnknownCountryCode,
                    $"No country uses the calling code +{first}: check the digits right after +.");
        }

        var national = digits[code.Code.Length..];
        if (national.Length == 0)
        {
            return Problem(PhoneNumberProblemKind.TooShort, $"Add the number after the country calling code +{code.Code}.");
        }

        if (code.TrunkPrefix is { } trunk && national.StartsWith(trunk, StringComparison.Ordinal))
        {
            var withoutTrunk = national[trunk.Length..];
            if ((code.TrunkNeverLeads || !HasValidLength(code, national)) && Validate(code, withoutTrunk) is null)
            {
                return Problem(PhoneNumberProblemKind.TrunkPrefix,
                    $"Leave out the {trunk} after +{code.Code}: it is dialled only from inside {code.Country}. Write +{code.Code} {withoutTrunk}.",
                    new PhoneNumber(code, withoutTrunk, extension));
            }
        }

        // Mexico dropped the mobile "1" in 2019, yet many address books still carry +52 1.
        if (code.Code == "52" && national.Length == 11 && national[0] == '1' && Validate(code, national[1..]) is null)
        {
            return Problem(PhoneNumberProblemKind.TrunkPrefix,
                $"Since 2019 numbers in Mexico have 10 digits after +52: leave out the 1. Write +52 {national[1..]}.",
                new PhoneNumber(code, national[1..], extension));
        }

        if (Validate(code, national) is { } problem)
        {
            return problem;
        }

        return new PhoneNumberParse(new PhoneNumber(code, national, extension), null);
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
                "(07700 900123 in the United Kingdom is +44 7700 900123).");
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

    private static bool HasValidLength(CallingCode code, string national) =>
        national.Length >= code.MinDigits && national.Length <= code.MaxDigits;

    private static PhoneNumberParse? Validate(CallingCode code, string national)
    {
        if (!HasValidLength(code, national))
        {
            var expected = code.MinDigits == code.MaxDigits
                ? code.MinDigits.ToString(CultureInfo.InvariantCulture)
                : $"{code.MinDigits} to {code.MaxDigits}";
            return Problem(national.Length < code.MinDigits ? PhoneNumberProblemKind.TooShort : PhoneNumberProblemKind.TooLong,
                $"Numbers in {code.Country} have {expected} digits after +{code.Code}; this one has {national.Length}.");
        }

        if (code.Code == "1")
        {
            // North American numbering: NPA-NXX-XXXX, where N is 2-9 and an NPA of the form N11 is a service code.
            if (national[0] is '0' or '1')
            {
                return Problem(PhoneNumberProblemKind.InvalidNumber,
                    "In North America the area code after +1 never starts with 0 or 1: check the first digits.");
            }

            if (national[1] == '1' && national[2] == '1')
            {
                return Problem(PhoneNumberProblemKind.InvalidNumber,
                    $"{national[..3]} is a service code, not an area code: check the first digits after +1.");
            }

            if (national[3] is '0' or '1')
            {
                return Problem(PhoneNumberProblemKind.InvalidNumber,
                    "In North America the local number after the area code never starts with 0 or 1: check the fourth digit after +1.");
            }
        }

        return null;
    }

    private static PhoneNumberParse Problem(PhoneNumberProblemKind kind, string message, PhoneNumber? suggestion = null) =>
        new(null, new PhoneNumberProblem(kind, message, suggestion));

    /// <summary>Full-width digits and plus (typed with an East Asian input method) read as ASCII.</summary>
    private static string Fold(string text)
    {
        if (!text.Any(c => c is >= '\uFF10' and <= '\uFF19' or '\uFF0B'))
        {
            return text;
        }

        var folded = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            folded.Append(c switch
            {
                >= '\uFF10' and <= '\uFF19' => (char)('0' + (c - '\uFF10')),
                '\uFF0B' => '+',
                _ => c,
            });
        }

        return folded.ToString();
    }

    /// <summary>"+44 (0)20 7946 0018": the bracketed 0 is a widespread way of writing the trunk prefix, and unambiguous.</summary>
    private static string DropBracketedTrunkZero(string text)
    {
        var match = BracketedTrunkZero().Match(text);
        return match.Success && CallingCodes.Find(match.Groups["code"].Value)?.TrunkPrefix == "0"
            ? match.Groups["head"].Value + " " + text[match.Length..]
            : text;
    }

    private static bool IsSeparator(char c) =>
        c is ' ' or '\u00A0' or '\u202F' or '-' or '.' or '/' or '(' or ')' or '\u2212' or >= '\u2010' and <= '\u2015';

    [GeneratedRegex(@"\s*(?:x|ext\.?|extension|#)\s*(?<ext>\d+)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex ExtensionPattern();

    [GeneratedRegex(@"^(?<head>\+\s*(?<code>\d{1,3}))\s*\(\s*0\s*\)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
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
}
