using Shouldly;
using VpnPortal.Web.Components.Grids;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Grids;

/// <summary>CSV cells as spreadsheets read them, and never as a formula someone else wrote.</summary>
public sealed class CsvFileTests
{
    [Theory]
    [InlineData("ana@corp.example", "ana@corp.example")]
    [InlineData("CORP\\ana", "CORP\\ana")]
    [InlineData("CN=vpn.corp.example, O=Corp", "\"CN=vpn.corp.example, O=Corp\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Cells_AreQuotedOnlyWhenTheyMustBe(string? value, string expected) => CsvFile.Cell(value).ShouldBe(expected);

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"x\")", "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"")]
    [InlineData("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1:A9)", "'@SUM(A1:A9)")]
    [InlineData("\t=1", "'\t=1")]
    public void AFormula_IsWrittenAsText(string value, string expected) => CsvFile.Cell(value).ShouldBe(expected);

    [Fact]
    public void ALine_EndsInCrLf_AndTimesAreUtcIso() =>
        CsvFile.Line(["a", "b,c", CsvFile.Time(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.FromHours(1))), CsvFile.Number(1234567)])
            .ShouldBe("a,\"b,c\",2026-11-22T09:00:00Z,1234567\r\n");

    [Fact]
    public void TheSort_TravelsInAnAddress_AndMalformedPartsAreDropped()
    {
        var sorts = new[] { new SortBy("UserName", false), new SortBy("BytesIn", true) };
        TableRequest.SortText(sorts).ShouldBe("UserName,-BytesIn");
        TableRequest.ParseSort("UserName,-BytesIn").ShouldBe(sorts);
        TableRequest.ParseSort(",-, ,a,b,c,d,e").Select(s => s.Column).ShouldBe(["a", "b", "c"]);
        TableRequest.ParseSort(null).ShouldBeEmpty();
    }
}
