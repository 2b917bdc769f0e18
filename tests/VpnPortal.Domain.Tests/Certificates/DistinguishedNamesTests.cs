using Shouldly;
using VpnPortal.Domain.Certificates;
using Xunit;

namespace VpnPortal.Domain.Tests.Certificates;

public sealed class DistinguishedNamesTests
{
    [Theory]
    [InlineData("CN=vpn.corp.example, O=Corp, C=GB", "vpn.corp.example")]
    [InlineData("O=Corp, CN=Corp Issuing CA 01, DC=corp, DC=example", "Corp Issuing CA 01")]
    [InlineData("cn=lower.example", "lower.example")]
    [InlineData("CN=\"Corp, Inc. Root\", O=Corp", "Corp, Inc. Root")]
    [InlineData("CN=Corp\\, Inc. Root, O=Corp", "Corp, Inc. Root")]
    [InlineData("O=Corp, C=GB", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void CommonName_FindsTheFirstCn(string? dn, string? cn) => DistinguishedNames.CommonName(dn).ShouldBe(cn);

    [Fact]
    public void ShortName_FallsBackToTheWholeName()
    {
        DistinguishedNames.ShortName("CN=Corp Root CA, O=Corp").ShouldBe("Corp Root CA");
        DistinguishedNames.ShortName(" O=Corp, C=GB ").ShouldBe("O=Corp, C=GB");
    }
}
