using System.Net;
using Shouldly;
using VpnPortal.Domain.Notifications;
using Xunit;

namespace VpnPortal.Domain.Tests.Notifications;

public sealed class TargetAddressesTests
{
    /// <summary>The ranges as the RFCs write them: the table the rule is checked against, address by address.</summary>
    private static readonly (IPNetwork Network, AddressScope Scope)[] IPv4Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), AddressScope.Unspecified),
        (IPNetwork.Parse("10.0.0.0/8"), AddressScope.PrivateNetwork),
        (IPNetwork.Parse("100.64.0.0/10"), AddressScope.PrivateNetwork),
        (IPNetwork.Parse("127.0.0.0/8"), AddressScope.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressScope.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), AddressScope.PrivateNetwork),
        (IPNetwork.Parse("192.168.0.0/16"), AddressScope.PrivateNetwork),
        (IPNetwork.Parse("224.0.0.0/4"), AddressScope.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressScope.Reserved),
    ];

    [Theory]
    [InlineData("0.0.0.0", AddressScope.Unspecified)]
    [InlineData("0.255.255.255", AddressScope.Unspecified)]
    [InlineData("1.0.0.0", AddressScope.Public)]
    [InlineData("9.255.255.255", AddressScope.Public)]
    [InlineData("10.0.0.0", AddressScope.PrivateNetwork)]
    [InlineData("10.255.255.255", AddressScope.PrivateNetwork)]
    [InlineData("11.0.0.0", AddressScope.Public)]
    [InlineData("100.63.255.255", AddressScope.Public)]
    [InlineData("100.64.0.0", AddressScope.PrivateNetwork)]
    [InlineData("100.127.255.255", AddressScope.PrivateNetwork)]
    [InlineData("100.128.0.0", AddressScope.Public)]
    [InlineData("126.255.255.255", AddressScope.Public)]
    [InlineData("127.0.0.1", AddressScope.Loopback)]
    [InlineData("127.255.255.254", AddressScope.Loopback)]
    [InlineData("128.0.0.0", AddressScope.Public)]
    [InlineData("169.253.255.255", AddressScope.Public)]
    [InlineData("169.254.0.0", AddressScope.LinkLocal)]
    [InlineData("169.254.169.254", AddressScope.LinkLocal)]
    [InlineData("169.254.255.255", AddressScope.LinkLocal)]
    [InlineData("169.255.0.0", AddressScope.Public)]
    [InlineData("172.15.255.255", AddressScope.Public)]
    [InlineData("172.16.0.0", AddressScope.PrivateNetwork)]
    [InlineData("172.31.255.255", AddressScope.PrivateNetwork)]
    [InlineData("172.32.0.0", AddressScope.Public)]
    [InlineData("192.167.255.255", AddressScope.Public)]
    [InlineData("192.168.0.0", AddressScope.PrivateNetwork)]
    [InlineData("192.168.255.255", AddressScope.PrivateNetwork)]
    [InlineData("192.169.0.0", AddressScope.Public)]
    [InlineData("223.255.255.255", AddressScope.Public)]
    [InlineData("224.0.0.0", AddressScope.Multicast)]
    [InlineData("239.255.255.255", AddressScope.Multicast)]
    [InlineData("240.0.0.0", AddressScope.Reserved)]
    [InlineData("255.255.255.255", AddressScope.Reserved)]
    [InlineData("8.8.8.8", AddressScope.Public)]
    [InlineData("52.96.0.1", AddressScope.Public)]
    [InlineData("::", AddressScope.Unspecified)]
    [InlineData("::1", AddressScope.Loopback)]
    [InlineData("::2", AddressScope.Unspecified)] // ::0.0.0.2, IPv4-compatible
    [InlineData("fe80::1", AddressScope.LinkLocal)]
    [InlineData("fe80::1%2", AddressScope.LinkLocal)]
    [InlineData("febf:ffff::1", AddressScope.LinkLocal)]
    [InlineData("fec0::1", AddressScope.PrivateNetwork)]
    [InlineData("fc00::1", AddressScope.PrivateNetwork)]
    [InlineData("fd12:3456:789a::1", AddressScope.PrivateNetwork)]
    [InlineData("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", AddressScope.PrivateNetwork)]
    [InlineData("fbff:ffff::1", AddressScope.Public)]
    [InlineData("fe00::1", AddressScope.Public)]
    [InlineData("ff02::1", AddressScope.Multicast)]
    [InlineData("ff05::1:3", AddressScope.Multicast)]
    [InlineData("2001:4860:4860::8888", AddressScope.Public)]
    [InlineData("2603:1020:200::682f:a1d8", AddressScope.Public)]
    [InlineData("::ffff:127.0.0.1", AddressScope.Loopback)]
    [InlineData("::ffff:169.254.169.254", AddressScope.LinkLocal)]
    [InlineData("::ffff:10.1.2.3", AddressScope.PrivateNetwork)]
    [InlineData("::ffff:172.16.0.1", AddressScope.PrivateNetwork)]
    [InlineData("::ffff:192.168.1.1", AddressScope.PrivateNetwork)]
    [InlineData("::ffff:100.64.0.1", AddressScope.PrivateNetwork)]
    [InlineData("::ffff:0.0.0.0", AddressScope.Unspecified)]
    [InlineData("::ffff:224.0.0.1", AddressScope.Multicast)]
    [InlineData("::ffff:255.255.255.255", AddressScope.Reserved)]
    [InlineData("::ffff:8.8.8.8", AddressScope.Public)]
    [InlineData("::127.0.0.1", AddressScope.Loopback)]
    [InlineData("::10.0.0.1", AddressScope.PrivateNetwork)]
    [InlineData("64:ff9b::7f00:1", AddressScope.Loopback)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressScope.LinkLocal)]
    [InlineData("64:ff9b::808:808", AddressScope.Public)]
    [InlineData("64:ff9b:1::a9fe:a9fe", AddressScope.Public)] // the local-use NAT64 prefix carries its address elsewhere
    [InlineData("2002:7f00:1::", AddressScope.Loopback)]
    [InlineData("2002:a9fe:a9fe::1", AddressScope.LinkLocal)]
    [InlineData("2002:c0a8:101::1", AddressScope.PrivateNetwork)]
    [InlineData("2002:808:808::1", AddressScope.Public)]
    public void Scope_OfEachRangesEdges(string address, AddressScope expected) =>
        TargetAddresses.Scope(IPAddress.Parse(address)).ShouldBe(expected);

    [Fact]
    public void Scope_OfEveryIPv4Slash16_AtItsFirstAndLastAddress_AndInItsIPv6Forms_IsTheRangeTables()
    {
        // Every range's edges fall on a /16 boundary or a coarser one, so the first and last address of each /16 meet them all.
        for (var prefix = 0; prefix < 65536; prefix++)
        {
            foreach (var host in new[] { 0, 65535 })
            {
                var bytes = new[] { (byte)(prefix >> 8), (byte)prefix, (byte)(host >> 8), (byte)host };
                var v4 = new IPAddress(bytes);
                var expected = IPv4Ranges.Where(r => r.Network.Contains(v4)).Select(r => (AddressScope?)r.Scope).FirstOrDefault() ?? AddressScope.Public;

                TargetAddresses.Scope(v4).ShouldBe(expected, v4.ToString());
                TargetAddresses.Scope(v4.MapToIPv6()).ShouldBe(expected, $"{v4.MapToIPv6()} stands for {v4}");
                var nat64 = new byte[16];
                nat64[1] = 0x64;
                nat64[2] = 0xFF;
                nat64[3] = 0x9B;
                bytes.CopyTo(nat64, 12);
                TargetAddresses.Scope(new IPAddress(nat64)).ShouldBe(expected, $"{new IPAddress(nat64)} stands for {v4}");
            }
        }
    }

    [Theory]
    [InlineData(AddressScope.Public, false, true)]
    [InlineData(AddressScope.Public, true, true)]
    [InlineData(AddressScope.PrivateNetwork, false, false)]
    [InlineData(AddressScope.PrivateNetwork, true, true)]
    [InlineData(AddressScope.Loopback, true, false)]
    [InlineData(AddressScope.LinkLocal, true, false)]
    [InlineData(AddressScope.Unspecified, true, false)]
    [InlineData(AddressScope.Multicast, true, false)]
    [InlineData(AddressScope.Reserved, true, false)]
    public void IsAllowed_PrivateNetworksOnlyWhenAllowed_TheRestOfTheRefusedNever(AddressScope scope, bool allowPrivate, bool expected) =>
        TargetAddresses.IsAllowed(scope, allowPrivate).ShouldBe(expected);

    [Theory]
    [InlineData("52.96.0.1", false, null)]
    [InlineData("10.0.0.5", true, null)]
    [InlineData("10.0.0.5", false, "private-network address (allowed only with Notifications:AllowPrivateNetworkTargets)")]
    [InlineData("127.0.0.1", true, "loopback")]
    [InlineData("169.254.169.254", true, "cloud metadata")]
    [InlineData("::ffff:169.254.169.254", true, "cloud metadata")]
    public void Refusal_SaysWhatTheAddressIs(string address, bool allowPrivate, string? expected)
    {
        var refusal = TargetAddresses.Refusal(IPAddress.Parse(address), allowPrivate);

        if (expected is null)
        {
            refusal.ShouldBeNull();
        }
        else
        {
            refusal.ShouldNotBeNull().ShouldContain(expected);
        }
    }
}
