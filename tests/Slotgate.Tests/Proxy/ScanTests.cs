using StackExchange.Redis;

namespace Slotgate.Tests.Proxy;

/// <summary>SCAN through Slotgate over the shared, stable cluster: one iteration covers every primary.</summary>
[Collection(ProxyCollection.Name)]
public class ScanTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Scan_ThousandsOfKeysAcrossShards_ReturnsEveryKeyExactlyOnce()
    {
        await using var client = await fixture.ConnectRawAsync();
        string prefix = "scanall:" + Guid.NewGuid().ToString("N")[..8];
        string[] keys = await WriteKeysAsync(client, prefix, 3000);
        Assert.Equal(3, keys.Select(k => fixture.Server.Topology.Current.GetShard(HashSlot.Of(System.Text.Encoding.UTF8.GetBytes(k)))).Distinct().Count());

        (List<string> seen, _) = await ScanDriver.ScanAllAsync(client, "COUNT", "100");

        List<string> mine = seen.Where(k => k.StartsWith(prefix + ":", StringComparison.Ordinal)).ToList();
        Assert.Equal(keys.Length, mine.Count);
        Assert.Equal(keys.Order(StringComparer.Ordinal), mine.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Scan_Match_ReturnsOnlyMatchingKeysFromEveryShard()
    {
        await using var client = await fixture.ConnectRawAsync();
        string prefix = "scanmatch:" + Guid.NewGuid().ToString("N")[..8];
        string[] keys = await WriteKeysAsync(client, prefix, 300);

        (List<string> seen, _) = await ScanDriver.ScanAllAsync(client, "MATCH", prefix + ":*");

        Assert.Equal(keys.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Scan_Type_ReturnsOnlyKeysOfThatType()
    {
        await using var client = await fixture.ConnectRawAsync();
        string prefix = "scantype:" + Guid.NewGuid().ToString("N")[..8];
        var hashes = new List<string>();
        for (int i = 0; i < 60; i++)
        {
            string key = $"{prefix}:{i}";
            if (i % 3 == 0)
            {
                Assert.Equal(1, (await client.CallAsync("HSET", key, "f", "v")).Integer);
                hashes.Add(key);
            }
            else
            {
                Assert.Equal("OK", (await client.CallAsync("SET", key, "v")).Text);
            }
        }

        (List<string> seen, _) = await ScanDriver.ScanAllAsync(client, "MATCH", prefix + ":*", "TYPE", "hash");

        Assert.Equal(hashes.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Scan_LargerCount_TakesFewerCallsAndSameKeys()
    {
        await using var client = await fixture.ConnectRawAsync();
        string prefix = "scancount:" + Guid.NewGuid().ToString("N")[..8];
        string[] keys = await WriteKeysAsync(client, prefix, 500);

        (List<string> small, int smallCalls) = await ScanDriver.ScanAllAsync(client, "MATCH", prefix + ":*", "COUNT", "5");
        (List<string> large, int largeCalls) = await ScanDriver.ScanAllAsync(client, "MATCH", prefix + ":*", "COUNT", "100000");

        Assert.Equal(keys.Order(StringComparer.Ordinal), small.Order(StringComparer.Ordinal));
        Assert.Equal(keys.Order(StringComparer.Ordinal), large.Order(StringComparer.Ordinal));
        // COUNT 100000 empties each primary in one call: the baseline call plus one per primary.
        Assert.Equal(1 + fixture.Cluster.Primaries.Count, largeCalls);
        Assert.True(smallCalls > largeCalls * 10, $"COUNT 5 took {smallCalls} calls, COUNT 100000 {largeCalls}");
    }

    [Fact]
    public async Task Scan_ZeroCursor_ReturnsRedisShapeAndNonZeroCursor()
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.SendAsync("SCAN", "0");
        string raw = System.Text.Encoding.ASCII.GetString(await client.ReadRawAsync());

        Assert.Matches(@"^\*2\r\n\$\d+\r\n[1-9]\d*\r\n\*0\r\n$", raw);
    }

    [Theory]
    [InlineData("abc", "ERR invalid cursor")]
    [InlineData("-1", "ERR invalid cursor")]
    [InlineData("17", "ERR invalid cursor")]
    public async Task Scan_InvalidCursor_ReturnsRedisError(string cursor, string error)
    {
        await using var client = await fixture.ConnectRawAsync();

        RespValue reply = await client.CallAsync("SCAN", cursor);

        Assert.True(reply.IsError);
        Assert.Equal(error, reply.Text);
    }

    [Theory]
    [InlineData("COUNT", "0", "ERR syntax error")]
    [InlineData("COUNT", "x", "ERR value is not an integer or out of range")]
    [InlineData("BOGUS", "1", "ERR syntax error")]
    [InlineData("MATCH", null, "ERR syntax error")]
    public async Task Scan_BadOptions_ReturnsRedisError(string option, string? value, string error)
    {
        await using var client = await fixture.ConnectRawAsync();
        string[] args = value is null ? ["SCAN", "0", option] : ["SCAN", "0", option, value];

        RespValue reply = await client.CallAsync(args);

        Assert.Equal(error, reply.Text);
    }

    [Fact]
    public async Task Scan_StackExchangeKeysEnumeration_SeesEveryKey()
    {
        string prefix = "scanse:" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await fixture.ConnectRawAsync();
        string[] keys = await WriteKeysAsync(client, prefix, 200);
        IServer server = fixture.Redis.GetServer(fixture.Endpoint);

        var seen = new List<string>();
        await foreach (RedisKey key in server.KeysAsync(pattern: prefix + ":*", pageSize: 20))
        {
            seen.Add(key!);
        }

        Assert.Equal(keys.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    private static async Task<string[]> WriteKeysAsync(RespTestClient client, string prefix, int count)
    {
        string[] keys = Enumerable.Range(0, count).Select(i => $"{prefix}:{i}").ToArray();
        foreach (string[] chunk in keys.Chunk(200))
        {
            var mset = new List<string> { "MSET" };
            foreach (string key in chunk)
            {
                mset.Add(key);
                mset.Add("v");
            }
            Assert.Equal("OK", (await client.CallAsync([.. mset])).Text);
        }
        return keys;
    }
}
