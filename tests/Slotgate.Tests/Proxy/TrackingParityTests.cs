using System.Net;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO through Slotgate, compared byte for byte with a Redis 7.0 node
/// given the same commands on one connection: every option, mode switch and error text.
/// </summary>
[Collection(ProxyCollection.Name)]
public class TrackingParityTests(ProxyFixture fixture)
{
    private async Task AssertSameRepliesAsync(bool resp3, params string[][] commands)
    {
        await using RespTestClient proxy = await fixture.ConnectRawAsync();
        await using RespTestClient node = await RespTestClient.ConnectAsync(IPEndPoint.Parse(fixture.Cluster.SeedEndpoints[0]));
        if (resp3)
        {
            await proxy.CallAsync("HELLO", "3");
            await node.CallAsync("HELLO", "3");
        }
        foreach (string[] command in commands)
        {
            await node.SendAsync(command);
            byte[] expected = await node.ReadRawAsync();
            await proxy.SendAsync(command);
            byte[] actual = await proxy.ReadRawAsync();
            Assert.True(expected.AsSpan().SequenceEqual(actual),
                $"{string.Join(' ', command)}: node answered {Encoding.UTF8.GetString(expected)}, Slotgate {Encoding.UTF8.GetString(actual)}");
        }
    }

    private static string[] C(string line) => line.Split(' ');

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TrackingInfo_EachMode_SameAsRedis(bool resp3)
    {
        await AssertSameRepliesAsync(resp3,
            C("CLIENT TRACKINGINFO"), C("CLIENT GETREDIR"),
            C("CLIENT TRACKING ON"), C("CLIENT TRACKINGINFO"), C("CLIENT GETREDIR"),
            C("CLIENT TRACKING ON OPTIN NOLOOP"), C("CLIENT TRACKINGINFO"), C("CLIENT CACHING YES"), C("CLIENT TRACKINGINFO"),
            C("PING"), C("CLIENT TRACKINGINFO"),
            C("CLIENT TRACKING OFF"), C("CLIENT TRACKINGINFO"), C("CLIENT GETREDIR"),
            C("CLIENT TRACKING ON OPTOUT"), C("CLIENT CACHING NO"), C("CLIENT TRACKINGINFO"),
            C("CLIENT TRACKING OFF"),
            C("CLIENT TRACKING ON BCAST PREFIX b PREFIX a"), C("CLIENT TRACKINGINFO"),
            C("CLIENT TRACKING ON BCAST PREFIX c NOLOOP"), C("CLIENT TRACKINGINFO"),
            C("CLIENT TRACKING OFF"), C("CLIENT TRACKING ON BCAST"), C("CLIENT TRACKINGINFO"), C("CLIENT TRACKING OFF"));
    }

    [Fact]
    public async Task Tracking_InvalidOptions_SameErrorsAsRedis()
    {
        await AssertSameRepliesAsync(false,
            C("CLIENT TRACKING"), C("CLIENT TRACKING maybe"), C("CLIENT TRACKING ON foo"), C("CLIENT TRACKING ON REDIRECT"),
            C("CLIENT TRACKING ON REDIRECT abc"), C("CLIENT TRACKING ON REDIRECT 999999999"), C("CLIENT TRACKING OFF REDIRECT 999999999"),
            C("CLIENT TRACKING ON PREFIX a"), C("CLIENT TRACKING ON BCAST OPTIN"), C("CLIENT TRACKING ON BCAST OPTOUT"),
            C("CLIENT TRACKING ON OPTIN OPTOUT"), C("CLIENT TRACKING ON BCAST PREFIX a PREFIX ab"), C("CLIENT TRACKING ON PREFIX"),
            C("CLIENT CACHING YES"), C("CLIENT CACHING"), C("CLIENT CACHING maybe"), C("CLIENT GETREDIR x"), C("CLIENT TRACKINGINFO x"),
            C("CLIENT TRACKING ON OPTIN"), C("CLIENT CACHING maybe"), C("CLIENT CACHING NO"), C("CLIENT TRACKING ON OPTOUT"),
            C("CLIENT TRACKING ON BCAST"), C("CLIENT TRACKING OFF"),
            C("CLIENT TRACKING ON OPTOUT"), C("CLIENT CACHING YES"), C("CLIENT TRACKING OFF"),
            C("CLIENT TRACKING ON BCAST PREFIX a"), C("CLIENT TRACKING ON BCAST PREFIX ab"), C("CLIENT TRACKING ON BCAST PREFIX a"),
            C("CLIENT TRACKING ON"), C("CLIENT TRACKING ON OPTIN"), C("CLIENT TRACKING OFF"));
    }
}
