using Shouldly;
using VpnPortal.Domain.Naming;
using Xunit;

namespace VpnPortal.Domain.Tests.Naming;

public sealed class HostNamesTests
{
    [Theory]
    [InlineData("vpn.corp.example")]
    [InlineData("VPN01.corp.example")]
    [InlineData("a-b.c-d.example")]
    [InlineData("xn--bcher-kva.example")]
    public void ValidateFqdn_AcceptsDnsNames(string name) => HostNames.ValidateFqdn(name).ShouldBeNull();

    [Theory]
    [InlineData("", "required")]
    [InlineData("vpn", "fully qualified")]
    [InlineData("https://vpn.corp.example", "not a URL")]
    [InlineData("vpn.corp.example:443", "port")]
    [InlineData("vpn..corp.example", "empty part")]
    [InlineData("-vpn.corp.example", "hyphen")]
    [InlineData("vpn_1.corp.example", "'_'")]
    [InlineData("vpn.corp.example.", "dot")]
    [InlineData("10.0.0.1", "IP address")]
    [InlineData("vpn\u0000.corp.example", "U+0000")]
    public void ValidateFqdn_RefusesWithAReason(string name, string reasonPart) =>
        HostNames.ValidateFqdn(name).ShouldNotBeNull().ShouldContain(reasonPart);

    [Fact]
    public void ValidateFqdn_RefusesOverLongNamesAndLabels()
    {
        HostNames.ValidateFqdn(new string('a', 64) + ".example").ShouldNotBeNull().ShouldContain("at most 63");
        HostNames.ValidateFqdn(string.Join('.', Enumerable.Repeat(new string('a', 60), 5))).ShouldNotBeNull().ShouldContain("at most 253");
    }

    [Theory]
    [InlineData("VPN01", null)]
    [InlineData("vpn01.corp.example", "without the domain")]
    [InlineData("", "host name")]
    [InlineData("vpn 01", "U+0020")]
    public void ValidateHostName_WantsASingleLabel(string name, string? reasonPart)
    {
        var error = HostNames.ValidateHostName(name);
        if (reasonPart is null)
        {
            error.ShouldBeNull();
        }
        else
        {
            error.ShouldNotBeNull().ShouldContain(reasonPart);
        }
    }
}
