using System.Net;
using System.Net.Sockets;

namespace VpnPortal.Domain.Notifications;

/// <summary>Where an address leads, as far as sending a notification there is concerned.</summary>
public enum AddressScope
{
    /// <summary>Anywhere else: the internet, or a provider's service (Teams, Slack, a mail relay).</summary>
    Public,

    /// <summary>10/8, 172.16/12, 192.168/16, shared address space 100.64/10, IPv6 unique local fc00::/7 and the old site-local fec0::/10.</summary>
    PrivateNetwork,

    /// <summary>127/8 and ::1: the portal's own machine.</summary>
    Loopback,

    /// <summary>169.254/16 (where cloud metadata services answer, 169.254.169.254) and fe80::/10.</summary>
    LinkLocal,

    /// <summary>0/8 ("this network") and ::.</summary>
    Unspecified,

    /// <summary>224/4 and ff00::/8.</summary>
    Multicast,

    /// <summary>240/4, including the broadcast address 255.255.255.255.</summary>
    Reserved,
}

/// <summary>
/// Which addresses the portal's notification channels (webhooks, the mail relay) may connect to. An admin types the
/// address, but whoever controls its DNS (or the admin's account) could aim the portal at the machine itself, its
/// neighbours or the cloud's metadata service; the portal refuses those, judging the address it is about to connect to.
/// An address embedded in an IPv6 one (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96,
/// 6to4 2002::/16) is judged as the IPv4 address it stands for.
/// </summary>
public static class TargetAddresses
{
    public static AddressScope Scope(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return ScopeOfIPv4(address.GetAddressBytes());
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return AddressScope.Reserved;
        }

        var b = address.GetAddressBytes();
        if (b.Take(15).All(x => x == 0))
        {
            return b[15] switch
            {
                0 => AddressScope.Unspecified,
                1 => AddressScope.Loopback,
                _ => ScopeOfIPv4(b[12..]),
            };
        }

        if (Embedded(b) is { } v4)
        {
            return ScopeOfIPv4(v4);
        }

        return b[0] switch
        {
            0xFF => AddressScope.Multicast,
            0xFE when (b[1] & 0xC0) == 0x80 => AddressScope.LinkLocal,
            0xFE when (b[1] & 0xC0) == 0xC0 => AddressScope.PrivateNetwork,
            0xFC or 0xFD => AddressScope.PrivateNetwork,
            _ => AddressScope.Public,
        };
    }

    /// <summary>Public addresses always; private networks only when the portal is told it may send there (an internal relay or chat server).</summary>
    public static bool IsAllowed(AddressScope scope, bool allowPrivateNetworks) => scope switch
    {
        AddressScope.Public => true,
        AddressScope.PrivateNetwork => allowPrivateNetworks,
        _ => false,
    };

    /// <summary>Null when the address may be connected to; otherwise what it is, for a sentence such as "127.0.0.1 is a loopback address ...".</summary>
    public static string? Refusal(IPAddress address, bool allowPrivateNetworks)
    {
        var scope = Scope(address);
        return IsAllowed(scope, allowPrivateNetworks) ? null : Describe(scope);
    }

    public static string Describe(AddressScope scope) => scope switch
    {
        AddressScope.PrivateNetwork => "a private-network address (allowed only with Notifications:AllowPrivateNetworkTargets)",
        AddressScope.Loopback => "a loopback address (the portal's own machine)",
        AddressScope.LinkLocal => "a link-local address (where cloud metadata services answer)",
        AddressScope.Unspecified => "an unspecified address",
        AddressScope.Multicast => "a multicast address",
        AddressScope.Reserved => "a reserved address",
        _ => "a public address",
    };

    private static AddressScope ScopeOfIPv4(byte[] b) => b[0] switch
    {
        0 => AddressScope.Unspecified,
        10 => AddressScope.PrivateNetwork,
        100 when (b[1] & 0xC0) == 64 => AddressScope.PrivateNetwork,
        127 => AddressScope.Loopback,
        169 when b[1] == 254 => AddressScope.LinkLocal,
        172 when (b[1] & 0xF0) == 16 => AddressScope.PrivateNetwork,
        192 when b[1] == 168 => AddressScope.PrivateNetwork,
        >= 224 and <= 239 => AddressScope.Multicast,
        >= 240 => AddressScope.Reserved,
        _ => AddressScope.Public,
    };

    /// <summary>The IPv4 address an IPv6 one carries and stands for, if it is one of the forms that does.</summary>
    private static byte[]? Embedded(byte[] b)
    {
        var zeroTo10 = b.Take(10).All(x => x == 0);
        // ::ffff:a.b.c.d (IPv4-mapped)
        if (zeroTo10 && b[10] == 0xFF && b[11] == 0xFF)
        {
            return b[12..];
        }

        // ::a.b.c.d (IPv4-compatible, deprecated but still routed by some stacks); :: and ::1 are IPv6's own, judged before.
        if (zeroTo10 && b[10] == 0 && b[11] == 0)
        {
            return b[12..];
        }

        // 64:ff9b::a.b.c.d (NAT64 well-known prefix): a NAT64 gateway connects to a.b.c.d for the portal.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b.Skip(4).Take(8).All(x => x == 0))
        {
            return b[12..];
        }

        // 2002:AABB:CCDD::/48 (6to4): carries a.b.c.d in its second and third groups.
        return b[0] == 0x20 && b[1] == 0x02 ? b[2..6] : null;
    }
}
