using Shouldly;
using VpnPortal.Domain.Phones;
using Xunit;

namespace VpnPortal.Domain.Tests.Phones;

public sealed class PhoneNumberTests
{
    /// <summary>Numbers as people write them, in each country's usual grouping, and their E.164 form.</summary>
    public static TheoryData<string, string> ValidNumbers => new()
    {
        { "+44 7700 900123", "+447700900123" },            // United Kingdom, mobile (Ofcom drama range)
        { "+44 20 7946 0018", "+442079460018" },           // United Kingdom, London
        { "+44 (0)20 7946 0018", "+442079460018" },        // the bracketed trunk 0 people write
        { "+44 (0) 7700 900123", "+447700900123" },
        { "+1 (202) 555-0143", "+12025550143" },           // United States
        { "+1 416 555 0199", "+14165550199" },             // Canada
        { "+1 876 555 0123", "+18765550123" },             // Jamaica
        { "+1.650.253.0000", "+16502530000" },
        { "+61 491 570 156", "+61491570156" },             // Australia, mobile (ACMA fiction range)
        { "+61 2 9876 5432", "+61298765432" },             // Australia, Sydney
        { "+33 6 12 34 56 78", "+33612345678" },           // France
        { "+33 1 23 45 67 89", "+33123456789" },
        { "+49 151 23456789", "+4915123456789" },          // Germany, mobile (11 digits)
        { "+49 30 123456", "+4930123456" },                // Germany, Berlin (8 digits)
        { "+49 89 1234567", "+49891234567" },
        { "+31 6 12345678", "+31612345678" },              // Netherlands
        { "+31 20 123 4567", "+31201234567" },
        { "+34 612 34 56 78", "+34612345678" },            // Spain
        { "+39 06 6982 1234", "+390669821234" },           // Italy, Rome: the 0 belongs to the number
        { "+39 312 345 6789", "+393123456789" },           // Italy, mobile
        { "+39 02 1234567", "+39021234567" },
        { "+351 912 345 678", "+351912345678" },           // Portugal
        { "+353 85 123 4567", "+353851234567" },           // Ireland
        { "+353 1 234 5678", "+35312345678" },
        { "+32 470 12 34 56", "+32470123456" },            // Belgium, mobile
        { "+32 2 123 45 67", "+3221234567" },
        { "+41 78 123 45 67", "+41781234567" },            // Switzerland
        { "+43 664 1234567", "+436641234567" },            // Austria
        { "+43 1 5131234", "+4315131234" },
        { "+45 20 12 34 56", "+4520123456" },              // Denmark
        { "+46 70 123 45 67", "+46701234567" },            // Sweden
        { "+46 8 123 456 78", "+46812345678" },
        { "+47 412 34 567", "+4741234567" },               // Norway
        { "+358 40 123 4567", "+358401234567" },           // Finland
        { "+354 611 1234", "+3546111234" },                // Iceland
        { "+48 512 345 678", "+48512345678" },             // Poland
        { "+420 601 123 456", "+420601123456" },           // Czechia
        { "+421 912 123 456", "+421912123456" },           // Slovakia
        { "+36 20 123 4567", "+36201234567" },             // Hungary
        { "+40 712 345 678", "+40712345678" },             // Romania
        { "+359 88 123 4567", "+359881234567" },           // Bulgaria
        { "+30 691 234 5678", "+306912345678" },           // Greece
        { "+385 91 234 5678", "+385912345678" },           // Croatia
        { "+386 31 234 567", "+38631234567" },             // Slovenia
        { "+381 60 1234567", "+381601234567" },            // Serbia
        { "+380 50 123 4567", "+380501234567" },           // Ukraine
        { "+372 5123 4567", "+37251234567" },              // Estonia
        { "+371 21 234 567", "+37121234567" },             // Latvia
        { "+370 612 34567", "+37061234567" },              // Lithuania
        { "+352 621 123 456", "+352621123456" },           // Luxembourg
        { "+356 9912 3456", "+35699123456" },              // Malta
        { "+357 96 123456", "+35796123456" },              // Cyprus
        { "+7 912 345-67-89", "+79123456789" },            // Russia
        { "+7 800 555 35 35", "+78005553535" },            // Russia: an 800 number starts with the 8
        { "+7 701 234 5678", "+77012345678" },             // Kazakhstan
        { "+90 532 123 45 67", "+905321234567" },          // Turkey
        { "+972 50-123-4567", "+972501234567" },           // Israel
        { "+971 50 123 4567", "+971501234567" },           // United Arab Emirates
        { "+966 50 123 4567", "+966501234567" },           // Saudi Arabia
        { "+974 3312 3456", "+97433123456" },              // Qatar
        { "+965 500 12345", "+96550012345" },              // Kuwait
        { "+20 10 1234 5678", "+201012345678" },           // Egypt
        { "+27 82 123 4567", "+27821234567" },             // South Africa
        { "+234 803 123 4567", "+2348031234567" },         // Nigeria
        { "+254 712 345678", "+254712345678" },            // Kenya
        { "+233 24 123 4567", "+233241234567" },           // Ghana
        { "+212 612-345678", "+212612345678" },            // Morocco
        { "+225 07 12 34 56 78", "+2250712345678" },       // Côte d'Ivoire: ten digits beginning with 0
        { "+91 98765 43210", "+919876543210" },            // India
        { "+92 300 1234567", "+923001234567" },            // Pakistan
        { "+880 1712-345678", "+8801712345678" },          // Bangladesh
        { "+94 71 234 5678", "+94712345678" },             // Sri Lanka
        { "+86 138 0013 8000", "+8613800138000" },         // China, mobile
        { "+86 10 1234 5678", "+861012345678" },           // China, Beijing
        { "+852 5123 4567", "+85251234567" },              // Hong Kong
        { "+886 912 345 678", "+886912345678" },           // Taiwan
        { "+81 90-1234-5678", "+819012345678" },           // Japan, mobile
        { "+81 3-1234-5678", "+81312345678" },             // Japan, Tokyo
        { "+82 10-1234-5678", "+821012345678" },           // South Korea
        { "+65 8123 4567", "+6581234567" },                // Singapore
        { "+60 12-345 6789", "+60123456789" },             // Malaysia
        { "+66 81 234 5678", "+66812345678" },             // Thailand
        { "+84 91 234 56 78", "+84912345678" },            // Vietnam
        { "+63 917 123 4567", "+639171234567" },           // Philippines
        { "+62 812-3456-789", "+628123456789" },           // Indonesia
        { "+64 21 123 4567", "+64211234567" },             // New Zealand
        { "+679 920 1234", "+6799201234" },                // Fiji
        { "+52 55 1234 5678", "+525512345678" },           // Mexico
        { "+55 11 91234-5678", "+5511912345678" },         // Brazil, São Paulo mobile
        { "+54 9 11 1234-5678", "+5491112345678" },        // Argentina, mobile with its 9
        { "+56 9 6123 4567", "+56961234567" },             // Chile
        { "+57 321 1234567", "+573211234567" },            // Colombia
        { "+51 912 345 678", "+51912345678" },             // Peru
        { "+598 94 231 234", "+59894231234" },             // Uruguay
        { "+506 8312 3456", "+50683123456" },              // Costa Rica
        { "+299 22 12 34", "+299221234" },                 // Greenland
        { "＋４４ ７７００ ９００１２３", "+447700900123" },  // typed with a full-width (East Asian) keyboard
        { "+44\u00A07700\u00A0900123", "+447700900123" },  // non-breaking spaces pasted from a web page
        { "+44–7700–900123", "+447700900123" },            // en dashes
        { "  +44 7700 900123  ", "+447700900123" },
    };

    [Theory]
    [MemberData(nameof(ValidNumbers))]
    public void Parse_RealNumbersFromManyCountries_AreReadAsE164(string input, string e164)
    {
        var parsed = PhoneNumber.Parse(input);

        parsed.Problem.ShouldBeNull();
        parsed.Number.ShouldNotBeNull().E164.ShouldBe(e164);
    }

    /// <summary>Mistakes people make, the kind of problem, a part of the message that must explain it, and the fix when evident.</summary>
    public static TheoryData<string?, PhoneNumberProblemKind, string, string?> InvalidNumbers => new()
    {
        { null, PhoneNumberProblemKind.Empty, "Enter a phone number", null },
        { "   ", PhoneNumberProblemKind.Empty, "Enter a phone number", null },
        { "+", PhoneNumberProblemKind.Empty, "Enter a phone number", null },
        { "+ - ( )", PhoneNumberProblemKind.Empty, "Enter a phone number", null },
        { "+44 07700 900123", PhoneNumberProblemKind.TrunkPrefix, "Leave out the 0 after +44", "+447700900123" },
        { "+44 020 7946 0018", PhoneNumberProblemKind.TrunkPrefix, "Leave out the 0 after +44", "+442079460018" },
        { "+49 0151 23456789", PhoneNumberProblemKind.TrunkPrefix, "Leave out the 0 after +49", "+4915123456789" },
        { "+33 06 12 34 56 78", PhoneNumberProblemKind.TrunkPrefix, "Leave out the 0 after +33", "+33612345678" },
        { "+61 0491 570 156", PhoneNumberProblemKind.TrunkPrefix, "Leave out the 0 after +61", "+61491570156" },
        { "+31 06 12345678", PhoneNumberProblemKind.TrunkPrefix, "Leave out the 0 after +31", "+31612345678" },
        { "+91 098765 43210", PhoneNumberProblemKind.TrunkPrefix, "Leave out the 0 after +91", "+919876543210" },
        { "+7 8 912 345 67 89", PhoneNumberProblemKind.TrunkPrefix, "Leave out the 8 after +7", "+79123456789" },
        { "+36 06 20 123 4567", PhoneNumberProblemKind.TrunkPrefix, "Leave out the 06 after +36", "+36201234567" },
        { "+1 1 202 555 0143", PhoneNumberProblemKind.TrunkPrefix, "Leave out the 1 after +1", "+12025550143" },
        { "+52 1 55 1234 5678", PhoneNumberProblemKind.TrunkPrefix, "leave out the 1", "+525512345678" },
        { "0044 7700 900123", PhoneNumberProblemKind.InternationalPrefix, "Write + instead of 00", "+447700900123" },
        { "011 44 7700 900123", PhoneNumberProblemKind.InternationalPrefix, "Write + instead of 011", "+447700900123" },
        { "+0044 7700 900123", PhoneNumberProblemKind.InternationalPrefix, "either + or 00", "+447700900123" },
        { "07700 900123", PhoneNumberProblemKind.NationalFormat, "international format", null },
        { "(202) 555-0143", PhoneNumberProblemKind.MissingPlus, "Start with +", "+2025550143" },
        { "447700900123", PhoneNumberProblemKind.MissingPlus, "did you mean +44 7700900123", "+447700900123" },
        { "9999", PhoneNumberProblemKind.MissingCountryCode, "country calling code", null },
        { "+44 7700 9001", PhoneNumberProblemKind.TooShort, "have 9 to 10 digits after +44; this one has 8", null },
        { "+33 6 12 34 56", PhoneNumberProblemKind.TooShort, "Numbers in France have 9 digits after +33; this one has 7", null },
        { "+1 202 555 01", PhoneNumberProblemKind.TooShort, "10 digits after +1", null },
        { "+45 20 12 34 567", PhoneNumberProblemKind.TooLong, "Numbers in Denmark have 8 digits after +45; this one has 9", null },
        { "+34 612 345 6789", PhoneNumberProblemKind.TooLong, "Numbers in Spain have 9 digits", null },
        { "+44 7700 900123 456 789", PhoneNumberProblemKind.TooLong, "at most 15 digits", null },
        { "+1 123 555 0143", PhoneNumberProblemKind.InvalidNumber, "area code", null },
        { "+1 911 555 0143", PhoneNumberProblemKind.InvalidNumber, "service code", null },
        { "+1 202 155 0143", PhoneNumberProblemKind.InvalidNumber, "local number", null },
        { "+999 123 4567", PhoneNumberProblemKind.UnknownCountryCode, "No country uses the calling code +999", null },
        { "+425 123 4567", PhoneNumberProblemKind.UnknownCountryCode, "No country uses the calling code +425", null },
        { "+0 20 7946 0018", PhoneNumberProblemKind.UnknownCountryCode, "never starts with 0", null },
        { "+800 1234 5678", PhoneNumberProblemKind.GlobalService, "freephone or satellite", null },
        { "+882 1234 5678", PhoneNumberProblemKind.GlobalService, "freephone or satellite", null },
        { "+44", PhoneNumberProblemKind.TooShort, "Add the number after the country calling code +44", null },
        { "+44 7700 900 12a", PhoneNumberProblemKind.InvalidCharacter, "letters", null },
        { "+1-800-FLOWERS", PhoneNumberProblemKind.InvalidCharacter, "letters", null },
        { "+44 7700 900123; DROP TABLE", PhoneNumberProblemKind.InvalidCharacter, "\";\"", null },
        { "<script>+44</script>", PhoneNumberProblemKind.InvalidCharacter, "\"<\"", null },
        { "+44 7700 +900123", PhoneNumberProblemKind.InvalidCharacter, "+ only once", null },
        { "44+7700900123", PhoneNumberProblemKind.InvalidCharacter, "+ only once, at the very start", null },
        { "+44 20 7946 0018 ext 123", PhoneNumberProblemKind.ExtensionNotAllowed, "Leave out the extension", null },
        { new string('1', 65), PhoneNumberProblemKind.TooLong, "too long to be a phone number", null },
    };

    [Theory]
    [MemberData(nameof(InvalidNumbers))]
    public void Parse_CommonMistakes_AreExplained(string? input, PhoneNumberProblemKind kind, string explanation, string? suggestion)
    {
        var parsed = PhoneNumber.Parse(input);

        parsed.IsValid.ShouldBeFalse();
        var problem = parsed.Problem.ShouldNotBeNull();
        problem.Kind.ShouldBe(kind);
        problem.Message.ShouldContain(explanation);
        problem.Suggestion?.E164.ShouldBe(suggestion);
        if (suggestion is null)
        {
            problem.Suggestion.ShouldBeNull();
        }
    }

    [Theory]
    [InlineData("+44 20 7946 0018 ext 123", "+44 2079460018x123")]
    [InlineData("+44 20 7946 0018 x123", "+44 2079460018x123")]
    [InlineData("+1 425 555 0100 extension 42", "+1 4255550100x42")]
    [InlineData("+1 4255550100x42", "+1 4255550100x42")]
    [InlineData("+49 89 1234567 #9", "+49 891234567x9")]
    public void Parse_OfficeNumbers_KeepTheirExtensionWhenAllowed(string input, string entraFormat)
    {
        var number = PhoneNumber.Parse(input, allowExtension: true).Number.ShouldNotBeNull();

        number.EntraFormat.ShouldBe(entraFormat);
        number.E164.ShouldNotContain("x");
    }

    [Fact]
    public void Parse_ExtensionLongerThanSixDigits_IsRefused() =>
        PhoneNumber.Parse("+44 20 7946 0018 x1234567", allowExtension: true).Problem.ShouldNotBeNull()
            .Kind.ShouldBe(PhoneNumberProblemKind.InvalidExtension);

    [Fact]
    public void Parse_EntraFormat_RoundTrips()
    {
        var number = PhoneNumber.Parse("+44 7700 900123").Number.ShouldNotBeNull();

        number.EntraFormat.ShouldBe("+44 7700900123");
        PhoneNumber.Parse(number.EntraFormat).Number.ShouldBe(number);
    }

    [Fact]
    public void Masked_ShowsOnlyTheCountryAndLastTwoDigits()
    {
        var number = PhoneNumber.Parse("+44 7700 900123").Number.ShouldNotBeNull();

        number.Masked.ShouldBe("+44 ••••••••23");
        number.Masked.ShouldNotContain("7700");
    }

    [Fact]
    public void Parse_ItalianNumberWithLeadingZero_IsNotMistakenForATrunkPrefix() =>
        PhoneNumber.Parse("+39 06 6982 1234").Number.ShouldNotBeNull().NationalNumber.ShouldBe("0669821234");

    [Fact]
    public void Parse_TheSameNumberWrittenDifferently_IsEqual() =>
        PhoneNumber.Parse("+44 (0)7700-900-123").Number.ShouldBe(PhoneNumber.Parse("+447700900123").Number);

    [Fact]
    public void CallingCodes_HaveConsistentRanges()
    {
        foreach (var code in CallingCodes.All)
        {
            code.MinDigits.ShouldBeGreaterThan(0, code.Code);
            code.MaxDigits.ShouldBeGreaterThanOrEqualTo(code.MinDigits, code.Code);
            (code.Code.Length + code.MaxDigits).ShouldBeLessThanOrEqualTo(PhoneNumber.MaxDigits, code.Code);
            CallingCodes.GlobalServices.ShouldNotContain(code.Code);
        }
    }

    [Fact]
    public void CallingCodes_ArePrefixFree()
    {
        foreach (var code in CallingCodes.All)
        {
            CallingCodes.All.Where(other => other != code && other.Code.StartsWith(code.Code, StringComparison.Ordinal))
                .ShouldBeEmpty($"+{code.Code} is a prefix of another code");
        }
    }

    [Fact]
    public void Parse_ArbitraryInput_NeverThrowsAndOnlyReturnsValidNumbers()
    {
        const string alphabet = "0123456789+-. ()x#/;aé０＋\u00A0";
        var random = new Random(20261122);
        for (var i = 0; i < 20_000; i++)
        {
            var input = new string(Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());

            var parsed = PhoneNumber.Parse(input, allowExtension: random.Next(2) == 0);

            (parsed.Number is null).ShouldNotBe(parsed.Problem is null, input);
            if (parsed.Number is { } number)
            {
                number.E164.Length.ShouldBeLessThanOrEqualTo(PhoneNumber.MaxDigits + 1, input);
                PhoneNumber.Parse(number.EntraFormat, allowExtension: true).Number.ShouldBe(number, input);
            }

            if (parsed.Problem?.Suggestion is { } suggestion)
            {
                PhoneNumber.Parse(suggestion.EntraFormat, allowExtension: true).Number.ShouldBe(suggestion, input);
            }
        }
    }
}
