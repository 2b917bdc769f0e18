using Shouldly;
using VpnPortal.Domain.Certificates;
using Xunit;

namespace VpnPortal.Domain.Tests.Certificates;

public sealed class CertificateHostNamesTests
{
    [Theory]
    [InlineData("vpn.corp.example", "vpn.corp.example")]
    [InlineData("VPN.Corp.Example", "vpn.corp.example")]
    [InlineData("vpn.corp.example.", "vpn.corp.example")]
    [InlineData("vpn.corp.example", "VPN.CORP.EXAMPLE.")]
    [InlineData(" vpn.corp.example ", "vpn.corp.example")]
    [InlineData("*.corp.example", "vpn.corp.example")]
    [InlineData("*.Corp.Example.", "VPN.corp.example")]
    [InlineData("*.co.uk", "corp.co.uk")]
    public void Matches_NameThatCoversTheHost_IsTrue(string certificateName, string hostName)
    {
        CertificateHostNames.Matches(certificateName, hostName).ShouldBeTrue();
    }

    [Theory]
    [InlineData("vpn.corp.example", "vpn2.corp.example")]
    [InlineData("vpn.corp.example", "vpn.corp.example.net")]
    [InlineData("corp.example", "vpn.corp.example")]
    [InlineData("*.corp.example", "corp.example")]
    [InlineData("*.corp.example", "a.vpn.corp.example")]
    [InlineData("*.corp.example", ".corp.example")]
    [InlineData("*.com", "example.com")]
    [InlineData("*.example", "corp.example")]
    [InlineData("*", "vpn")]
    [InlineData("vpn*.corp.example", "vpn1.corp.example")]
    [InlineData("*vpn.corp.example", "myvpn.corp.example")]
    [InlineData("vpn.*.example", "vpn.corp.example")]
    [InlineData("*.*.example", "vpn.corp.example")]
    [InlineData("*.0.0.1", "10.0.0.1")]
    [InlineData("vpn.corp.example", "")]
    [InlineData("vpn.corp.example", "vpn..corp.example")]
    [InlineData("*.corp.example", "*.corp.example")]
    public void Matches_NameThatDoesNotCoverTheHost_IsFalse(string certificateName, string hostName)
    {
        CertificateHostNames.Matches(certificateName, hostName).ShouldBeFalse();
    }

    [Fact]
    public void Covers_NoSans_ReadsTheSubjectCommonName()
    {
        CertificateHostNames.Covers("vpn.corp.example", [], "vpn.corp.example").ShouldBeTrue();
    }

    [Fact]
    public void Covers_SansPresent_IgnoresTheSubjectCommonName()
    {
        CertificateHostNames.Covers("vpn.corp.example", ["portal.corp.example"], "vpn.corp.example").ShouldBeFalse();
    }

    [Fact]
    public void Covers_SansPresent_MatchesAnyOfThem()
    {
        CertificateHostNames.Covers("vpn.corp.example", ["vpn.corp.example", "vpn-west.corp.example"], "vpn-west.corp.example").ShouldBeTrue();
    }

    [Fact]
    public void Covers_NoCommonNameAndNoSans_CoversNothing()
    {
        CertificateHostNames.Covers(null, [], "vpn.corp.example").ShouldBeFalse();
    }

    [Fact]
    public void Match_ExactAndWildcardBothCover_PrefersTheExactName()
    {
        var match = CertificateHostNames.Match(null, ["*.corp.example", "vpn.corp.example"], "vpn.corp.example");

        match.ShouldBe(new HostNameMatch("vpn.corp.example", "vpn.corp.example", ByWildcard: false));
    }

    [Fact]
    public void Match_OnlyAWildcardCovers_SaysSo()
    {
        var match = CertificateHostNames.Match("vpn.corp.example", ["*.corp.example", "portal.corp.example"], "vpn-west.corp.example");

        match.ShouldBe(new HostNameMatch("vpn-west.corp.example", "*.corp.example", ByWildcard: true));
    }

    [Fact]
    public void PresentedNames_BlankSansAndWhitespace_AreDroppedAndTrimmed()
    {
        CertificateHostNames.PresentedNames(" vpn.corp.example ", ["", "  "]).ShouldBe(["vpn.corp.example"]);
    }
}
