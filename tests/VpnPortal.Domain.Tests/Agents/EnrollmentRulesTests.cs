using Shouldly;
using VpnPortal.Domain.Agents;
using Xunit;

namespace VpnPortal.Domain.Tests.Agents;

public sealed class EnrollmentRulesTests
{
    private static readonly EnrolledServer Vpn01 = new(Guid.NewGuid(), "VPN01");
    private static readonly EnrolledServer Vpn02 = new(Guid.NewGuid(), "VPN02");

    [Fact]
    public void NewServerToken_AnyNewName_MayEnroll() =>
        EnrollmentRules.Refusal(EnrollmentGrant.NewServer(null), "VPN03", existing: null).ShouldBeNull();

    [Fact]
    public void NewServerToken_UnderTheNameOfAServerInThePortal_IsRefused_AndSaysHowToReplaceIt()
    {
        var refusal = EnrollmentRules.Refusal(EnrollmentGrant.NewServer(null), "vpn01", Vpn01);

        refusal.ShouldNotBeNull();
        refusal.ShouldStartWith("VPN01 is already in the portal.");
        refusal.ShouldContain("'admin create-enrollment-token --replace VPN01'");
    }

    [Fact]
    public void NamedNewServerToken_EvenForItsOwnName_DoesNotTakeOverAServerInThePortal() =>
        EnrollmentRules.Refusal(EnrollmentGrant.NewServer("VPN01"), "VPN01", Vpn01).ShouldNotBeNull();

    [Theory]
    [InlineData("VPN03", true)]
    [InlineData("vpn03", true)]
    [InlineData("VPN04", false)]
    public void NamedNewServerToken_EnrollsThatNameOnly(string machine, bool allowed) =>
        (EnrollmentRules.Refusal(EnrollmentGrant.NewServer("VPN03"), machine, existing: null) is null).ShouldBe(allowed);

    [Fact]
    public void ReplacementToken_ItsOwnServer_MayEnroll() =>
        EnrollmentRules.Refusal(EnrollmentGrant.Replace(Vpn01.Id, "VPN01"), "vpn01", Vpn01).ShouldBeNull();

    [Fact]
    public void ReplacementToken_AnotherServerInThePortal_IsRefused() =>
        EnrollmentRules.Refusal(EnrollmentGrant.Replace(Vpn01.Id, "VPN01"), "VPN02", Vpn02)
            .ShouldBe("This token replaces the agent of VPN01, but this machine enrolls as VPN02. Run it on VPN01, or create a token for a new server.");

    [Fact]
    public void ReplacementToken_ANewName_IsRefused() =>
        EnrollmentRules.Refusal(EnrollmentGrant.Replace(Vpn01.Id, "VPN01"), "VPN09", existing: null).ShouldNotBeNull();

    [Fact]
    public void ReplacementToken_AServerOfTheSameNameButAnotherId_IsRefused() =>
        EnrollmentRules.Refusal(EnrollmentGrant.Replace(Guid.NewGuid(), "VPN01"), "VPN01", Vpn01).ShouldNotBeNull("the server was removed and another took its name");
}
