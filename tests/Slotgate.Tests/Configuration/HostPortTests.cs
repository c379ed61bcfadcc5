using System.Net;

namespace Slotgate.Tests.Configuration;

public class HostPortTests
{
    [Theory]
    [InlineData("127.0.0.1:30001", "127.0.0.1", 30001, "127.0.0.1:30001")]
    [InlineData("redis-0.redis.default.svc.cluster.local:6379", "redis-0.redis.default.svc.cluster.local", 6379, "redis-0.redis.default.svc.cluster.local:6379")]
    [InlineData("Redis-0:7000", "redis-0", 7000, "redis-0:7000")]
    [InlineData("localhost:0", "localhost", 0, "localhost:0")]
    [InlineData("[::1]:7000", "::1", 7000, "[::1]:7000")]
    [InlineData("[2001:DB8:0:0::1]:6380", "2001:db8::1", 6380, "[2001:db8::1]:6380")]
    [InlineData("[::]:7000", "::", 7000, "[::]:7000")]
    public void TryParse_ValidEndpoint_ParsesAndRoundTrips(string text, string host, int port, string display)
    {
        Assert.True(HostPort.TryParse(text, out var endpoint, out var error), error);
        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(display, endpoint.ToString());
        Assert.Equal(endpoint, HostPort.Parse(endpoint.ToString()));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("redis-0", "no port")]
    [InlineData("redis-0:70x0", "port")]
    [InlineData("redis-0:70000", "port")]
    [InlineData("redis-0:", "port")]
    [InlineData("redis-0:-1", "port")]
    [InlineData(":7000", "host")]
    [InlineData("::1:7000", "brackets")]
    [InlineData("[::1]", "[address]:port")]
    [InlineData("[::1]7000", "[address]:port")]
    [InlineData("[10.0.0.1]:7000", "not an IPv6 address")]
    [InlineData("300.1.1.1:7000", "IPv4")]
    [InlineData("10.1:7000", "IPv4")]
    [InlineData("-redis:7000", "host name")]
    [InlineData("redis host:7000", "host name")]
    public void TryParse_InvalidEndpoint_FailsWithReason(string text, string reasonFragment)
    {
        Assert.False(HostPort.TryParse(text, out _, out var error));
        Assert.StartsWith("is not host:port", error, StringComparison.Ordinal);
        Assert.Contains(reasonFragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => HostPort.Parse("nope"));

    [Fact]
    public void ToEndPoint_AddressOrName_ReturnsIpOrDnsEndPoint()
    {
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 7000), HostPort.Parse("[::1]:7000").ToEndPoint());
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7000), HostPort.Parse("127.0.0.1:7000").ToEndPoint());
        Assert.Equal(new DnsEndPoint("redis-0", 6379), HostPort.Parse("redis-0:6379").ToEndPoint());
    }
}
