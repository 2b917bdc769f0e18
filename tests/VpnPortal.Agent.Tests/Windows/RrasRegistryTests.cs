using Shouldly;
using VpnPortal.Agent.Parsing;
using VpnPortal.Agent.Windows;
using VpnPortal.Contracts.Agents;
using Xunit;

namespace VpnPortal.Agent.Tests.Windows;

public sealed class RrasRegistryTests
{
    private const string Key = RrasRegistry.SstpParametersKey;

    [Fact]
    public void ReadSstp_FreshInstallWithPortZero_ListensOn443OverHttps()
    {
        var registry = new FakeRegistry().Set(Key, "ListenerPort", 0);

        RrasRegistry.ReadSstp(registry).ShouldBe(new SstpParameters { ListenerPort = 443, UseHttps = true });
    }

    [Fact]
    public void ReadSstp_NothingSet_DefaultsLikeSstpsvc()
    {
        RrasRegistry.ReadSstp(new FakeRegistry()).ShouldBe(new SstpParameters { ListenerPort = 443, UseHttps = true, Sha256CertificateHash = null, Sha256CertificateHashSetByAdmin = false });
    }

    [Fact]
    public void ReadSstp_HashOfWrongLength_NamesTheValue()
    {
        var registry = new FakeRegistry().Set(Key, "SHA256CertificateHash", new byte[20]);

        var error = Should.Throw<OutputFormatException>(() => RrasRegistry.ReadSstp(registry));

        error.Field.ShouldBe("SHA256CertificateHash");
        error.Message.ShouldContain("20 bytes");
    }

    [Fact]
    public void ReadSstp_HashStoredAsText_NamesTheValue()
    {
        var registry = new FakeRegistry().Set(Key, "SHA256CertificateHash", "C3AB8FF13720E8AD9047DD39466B3C8974E592C2FA383D4A3960714CAEF0C4F2");

        Should.Throw<OutputFormatException>(() => RrasRegistry.ReadSstp(registry)).Message.ShouldContain("expected REG_BINARY");
    }

    [Fact]
    public void ReadSstp_UseHttpsAsString_IsAnError()
    {
        var registry = new FakeRegistry().Set(Key, "UseHttps", "0");

        Should.Throw<OutputFormatException>(() => RrasRegistry.ReadSstp(registry)).Field.ShouldBe("UseHttps");
    }

    [Fact]
    public void ReadSstp_PortOutOfRange_IsAnError()
    {
        Should.Throw<OutputFormatException>(() => RrasRegistry.ReadSstp(new FakeRegistry().Set(Key, "ListenerPort", 70000))).Field.ShouldBe("ListenerPort");
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(0, false)]
    public void ReadIkev2Fragmentation_Dword_IsItsTruth(int value, bool expected)
    {
        RrasRegistry.ReadIkev2Fragmentation(new FakeRegistry().Set(RrasRegistry.Ikev2Key, "EnableServerFragmentation", value)).ShouldBe(expected);
    }

    [Fact]
    public void ReadIkev2Fragmentation_Absent_IsNull()
    {
        RrasRegistry.ReadIkev2Fragmentation(new FakeRegistry()).ShouldBeNull();
    }
}
