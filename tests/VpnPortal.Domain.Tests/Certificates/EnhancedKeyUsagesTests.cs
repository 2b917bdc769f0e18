using Shouldly;
using VpnPortal.Domain.Certificates;
using Xunit;

namespace VpnPortal.Domain.Tests.Certificates;

public sealed class EnhancedKeyUsagesTests
{
    [Theory]
    [InlineData("1.3.6.1.5.5.7.3.1", "Server Authentication")]
    [InlineData("1.3.6.1.5.5.7.3.2", "Client Authentication")]
    [InlineData("1.3.6.1.5.5.8.2.2", "IP security IKE intermediate")]
    [InlineData(" 1.3.6.1.5.5.7.3.1 ", "Server Authentication")]
    public void NameOf_NamesTheVpnPurposes(string oid, string name) => EnhancedKeyUsages.NameOf(oid).ShouldBe(name);

    [Fact]
    public void NameOf_UnknownOid_IsNull() => EnhancedKeyUsages.NameOf("1.2.3.4.5").ShouldBeNull();

    [Fact]
    public void Describe_NoEku_ReadsAllPurposes() =>
        EnhancedKeyUsages.Describe([]).ShouldBe([new NamedKeyUsage(null, "All purposes", true)]);

    [Fact]
    public void Describe_KeepsOrderAndShowsUnknownOidsAsThemselves() =>
        EnhancedKeyUsages.Describe(["1.3.6.1.5.5.7.3.1", "1.3.6.1.4.1.99999.1", "1.3.6.1.5.5.7.3.1"]).ShouldBe(
        [
            new NamedKeyUsage("1.3.6.1.5.5.7.3.1", "Server Authentication", true),
            new NamedKeyUsage("1.3.6.1.4.1.99999.1", "1.3.6.1.4.1.99999.1", false),
        ]);

    [Theory]
    [InlineData(new string[0], true, true, true)]
    [InlineData(new[] { "2.5.29.37.0" }, true, true, true)]
    [InlineData(new[] { "1.3.6.1.5.5.7.3.1" }, true, false, false)]
    [InlineData(new[] { "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.8.2.2" }, true, false, true)]
    [InlineData(new[] { "1.3.6.1.5.5.8.2.2" }, false, false, false)]
    [InlineData(new[] { "1.3.6.1.5.5.7.3.2" }, false, true, false)]
    [InlineData(new[] { "1.3.6.1.5.5.7.3.4" }, false, false, false)]
    public void Purposes_FollowTheEkuList(string[] ekus, bool server, bool client, bool ikev2)
    {
        EnhancedKeyUsages.AllowsServerAuthentication(ekus).ShouldBe(server);
        EnhancedKeyUsages.AllowsClientAuthentication(ekus).ShouldBe(client);
        EnhancedKeyUsages.FitsIkev2Server(ekus).ShouldBe(ikev2);
    }
}
