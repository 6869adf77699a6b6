using System.Net;
using MikuCloud.Api.OpenAi.ImageUrls;

namespace MikuCloud.Tests.OpenAi;

/// <summary>Which addresses an image URL may lead the server to: public unicast only, however the address is written.</summary>
public class PublicAddressesTests
{
    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.215.14")]
    [InlineData("100.63.255.255")]   // just below CGNAT
    [InlineData("100.128.0.0")]      // just above CGNAT
    [InlineData("172.15.255.255")]   // just below 172.16/12
    [InlineData("172.32.0.0")]       // just above
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:80b::200e")]
    [InlineData("::ffff:8.8.8.8")]   // IPv4-mapped public
    [InlineData("64:ff9b::808:808")] // NAT64 of 8.8.8.8
    [InlineData("2002:808:808::1")]  // 6to4 of 8.8.8.8
    public void A_public_address_is_allowed(string address) =>
        Assert.True(PublicAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]  // cloud metadata
    [InlineData("169.254.0.1")]
    [InlineData("100.64.0.1")]       // CGNAT
    [InlineData("100.127.255.255")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")]
    [InlineData("192.0.2.1")]
    [InlineData("198.18.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fe80::1")]
    [InlineData("febf::1")]
    [InlineData("ff02::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo
    [InlineData("::ffff:127.0.0.1")]       // IPv4-mapped loopback
    [InlineData("::ffff:169.254.169.254")] // IPv4-mapped metadata
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::127.0.0.1")]            // IPv4-compatible (deprecated)
    [InlineData("64:ff9b::7f00:1")]        // NAT64 of 127.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe")]     // NAT64 of 169.254.169.254
    [InlineData("64:ff9b::c0a8:101")]      // NAT64 of 192.168.1.1
    [InlineData("64:ff9b:1::808:808")]     // local-use NAT64 prefix
    [InlineData("2002:7f00:1::1")]         // 6to4 of 127.0.0.1
    [InlineData("2002:a9fe:a9fe::1")]      // 6to4 of 169.254.169.254
    public void A_loopback_private_link_local_or_reserved_address_is_refused(string address) =>
        Assert.False(PublicAddresses.IsPublic(IPAddress.Parse(address)));
}
