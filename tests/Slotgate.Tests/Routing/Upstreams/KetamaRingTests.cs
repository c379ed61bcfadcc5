using Slotgate.Upstreams;

namespace Slotgate.Tests.Routing.Upstreams;

/// <summary>
/// Placement checked against an independent implementation of twemproxy's published ketama algorithm (MD5 points,
/// 160 per server scaled by weight, fnv1a_64 key hash with its 32-bit truncation, {} hashtags), written in Python with
/// hashlib; its outputs are the expected strings below, one digit (server index) per key.
/// </summary>
public class KetamaRingTests
{
    private static readonly string[] Keys =
        [.. Enumerable.Range(0, 40).Select(i => $"key:{i}"), "foo", "bar", "{user:7}:name", "{user:7}:mail", "{}x", "a{}b{c}", "café"];

    internal static readonly string[] Words =
        "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu".Split(' ');

    /// <summary>Placement of <see cref="Words"/> on three equal servers named server1..3 (the Python reference's output).</summary>
    internal const string WordsOnNamedServers = "21020200222221221102012100";

    private static KetamaRing Ring(params string[] entries) =>
        new([.. entries.Select(e => UpstreamServer.TryParse(e, out UpstreamServer? s, out _) ? s! : throw new ArgumentException(e))]);

    private static string Placement(KetamaRing ring, IEnumerable<string> keys) =>
        string.Concat(keys.Select(k => ring.Locate(Encoding.UTF8.GetBytes(k)).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Locate_ThreeNamedServers_MatchesReferenceImplementation()
    {
        KetamaRing ring = Ring("127.0.0.1:7001:1 server1", "127.0.0.1:7002:1 server2", "127.0.0.1:7003:1 server3");
        Assert.Equal(480, ring.PointCount);
        Assert.Equal("22222222221111111111111111111111111111110122100", Placement(ring, Keys));
        Assert.Equal(WordsOnNamedServers, Placement(ring, Words));
    }

    [Fact]
    public void Locate_UnnamedWeightedServers_HashesHostPortAndMatchesReference()
    {
        KetamaRing ring = Ring("10.0.0.1:6379:1", "10.0.0.2:6379:2", "10.0.0.3:6379");
        Assert.Equal(480, ring.PointCount);
        Assert.Equal("11111111112222222222222222222222222222221100011", Placement(ring, Keys));
        Assert.Equal("12001101122112100122012010", Placement(ring, Words));
    }

    [Theory]
    [InlineData(0u, 2)]
    [InlineData(9796559u, 2)] // exactly the lowest point
    [InlineData(9796560u, 1)]
    [InlineData(4290552061u, 1)] // exactly the highest point
    [InlineData(4290552062u, 2)] // past the highest point: wraps to the first
    [InlineData(uint.MaxValue, 2)]
    [InlineData(123456789u, 2)]
    public void LocateHash_AtAndAroundPoints_FirstPointAtOrAfterWrapping(uint hash, int server)
    {
        KetamaRing ring = Ring("127.0.0.1:7001:1 server1", "127.0.0.1:7002:1 server2", "127.0.0.1:7003:1 server3");
        Assert.Equal(server, ring.LocateHash(hash));
    }

    [Fact]
    public void Fnv1a32_KnownInputs_TwemproxyTruncatedValues()
    {
        Assert.Equal(0x84222325u, KetamaRing.Fnv1a32(""u8));
        Assert.Equal(0xfed9d577u, KetamaRing.Fnv1a32("foo"u8));
        Assert.Equal(0x962f5916u, KetamaRing.Fnv1a32("key:0"u8));
    }

    [Theory]
    [InlineData("{user}:1", "user")]
    [InlineData("a{b}c{d}", "b")]
    [InlineData("{}x", "{}x")]
    [InlineData("no-tag", "no-tag")]
    [InlineData("open{only", "open{only")]
    public void HashTag_Keys_TwemproxyRule(string key, string hashed)
    {
        Assert.Equal(hashed, Encoding.UTF8.GetString(KetamaRing.HashTag(Encoding.UTF8.GetBytes(key))));
    }

    [Theory]
    [InlineData("127.0.0.1:6379", "127.0.0.1:6379", 1, "127.0.0.1:6379")]
    [InlineData("127.0.0.1:6379:3", "127.0.0.1:6379", 3, "127.0.0.1:6379")]
    [InlineData("cache-0:6379:1 shard-a", "cache-0:6379", 1, "shard-a")]
    [InlineData("mc:11211:1", "mc:11211", 1, "mc")]
    [InlineData("[::1]:6379:2", "[::1]:6379", 2, "[::1]:6379")]
    public void TryParse_TwemproxyServerEntries_EndpointWeightRingName(string text, string endpoint, int weight, string ringName)
    {
        Assert.True(UpstreamServer.TryParse(text, out UpstreamServer? server, out string? error), error);
        Assert.Equal(new UpstreamServer(endpoint, weight, ringName), server);
    }
}
