using System.Net;
using System.Net.Sockets;

namespace MikuCloud.Api.OpenAi.ImageUrls;

/// <summary>
/// Whether an IP address is on the public internet — the only kind an image URL may lead the server to. Everything
/// else (loopback, private, link-local with the cloud metadata service, CGNAT, multicast, reserved, documentation
/// ranges) is where an attacker would aim a server-side request (SSRF).
/// </summary>
/// <remarks>
/// IPv6 is judged by an allow-list (only global unicast, <c>2000::/3</c>), so ranges assigned later start out refused.
/// Addresses that carry an IPv4 address (IPv4-mapped, NAT64 <c>64:ff9b::/96</c>, 6to4 <c>2002::/16</c>) are judged
/// by the IPv4 address they lead to.
/// </remarks>
public static class PublicAddresses
{
    private static readonly IPNetwork[] NonPublicV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),         // "this network", incl. the unspecified address
        IPNetwork.Parse("10.0.0.0/8"),        // private
        IPNetwork.Parse("100.64.0.0/10"),     // carrier-grade NAT
        IPNetwork.Parse("127.0.0.0/8"),       // loopback
        IPNetwork.Parse("169.254.0.0/16"),    // link-local, incl. cloud metadata 169.254.169.254
        IPNetwork.Parse("172.16.0.0/12"),     // private
        IPNetwork.Parse("192.0.0.0/24"),      // IETF protocol assignments
        IPNetwork.Parse("192.0.2.0/24"),      // documentation
        IPNetwork.Parse("192.88.99.0/24"),    // 6to4 relay anycast
        IPNetwork.Parse("192.168.0.0/16"),    // private
        IPNetwork.Parse("198.18.0.0/15"),     // benchmarking
        IPNetwork.Parse("198.51.100.0/24"),   // documentation
        IPNetwork.Parse("203.0.113.0/24"),    // documentation
        IPNetwork.Parse("224.0.0.0/4"),       // multicast
        IPNetwork.Parse("240.0.0.0/4"),       // reserved, incl. broadcast 255.255.255.255
    ];

    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");

    private static readonly IPNetwork[] NonPublicV6 =
    [
        IPNetwork.Parse("2001::/23"),         // IETF protocol assignments, incl. Teredo 2001::/32 (hides an IPv4 address)
        IPNetwork.Parse("2001:db8::/32"),     // documentation
        IPNetwork.Parse("3fff::/20"),         // documentation
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>True when <paramref name="address"/> is a public unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !NonPublicV4.Any(n => n.Contains(address));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address))
        {
            return IsPublic(new IPAddress(bytes.AsSpan(12, 4)));
        }

        if (SixToFour.Contains(address))
        {
            return IsPublic(new IPAddress(bytes.AsSpan(2, 4)));
        }

        // Outside 2000::/3: loopback, unspecified, IPv4-compatible, unique local fc00::/7, link-local fe80::/10,
        // site-local, multicast ff00::/8, the local-use NAT64 prefix 64:ff9b:1::/48 — none of them public.
        return GlobalUnicastV6.Contains(address) && !NonPublicV6.Any(n => n.Contains(address));
    }
}
