using System.Net;
using MikuCloud.Api.Ollama;

namespace MikuCloud.Tests.Ollama;

public class ReplicaDnsNameTests
{
    [Theory]
    [InlineData("ollama-replicas", "http", "ollama-replicas", 11434)]
    [InlineData("ollama-replicas.miku.svc.cluster.local:11500", "http", "ollama-replicas.miku.svc.cluster.local", 11500)]
    [InlineData("https://ollama-replicas", "https", "ollama-replicas", 11434)]
    [InlineData("ollama:80", "http", "ollama", 80)]
    public void A_DNS_setting_reads_as_host_port_and_scheme(string value, string scheme, string host, int port) =>
        Assert.Equal(new ReplicaDnsName(scheme, host, port), ReplicaDnsName.Parse(value));

    [Theory]
    [InlineData("ftp://ollama")]
    [InlineData("http://ollama/api")]
    [InlineData("")]
    public void A_DNS_setting_that_is_no_host_is_refused_by_name(string value) =>
        Assert.Contains("Ollama:ReplicasDns", Assert.Throws<FormatException>(() => ReplicaDnsName.Parse(value)).Message, StringComparison.Ordinal);

    [Fact]
    public void Each_address_is_a_replica_in_a_stable_order_with_IPv6_in_brackets()
    {
        var name = ReplicaDnsName.Parse("ollama-replicas");

        var replicas = name.Replicas([IPAddress.Parse("fd00::7"), IPAddress.Parse("10.0.3.9"), IPAddress.Parse("10.0.3.10"), IPAddress.Parse("10.0.3.9")], slots: 4);

        Assert.Equal(["http://10.0.3.10:11434/", "http://10.0.3.9:11434/", "http://[fd00::7]:11434/"], replicas.Select(r => r.BaseAddress.ToString()));
        Assert.All(replicas, r => Assert.Equal((4, true), (r.Slots, r.Healthy)));
    }
}
