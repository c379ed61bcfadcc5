using System.Diagnostics;
using StackExchange.Redis;

namespace Slotgate.Tests.Proxy;

/// <summary>Real client libraries, configured for a single standalone server, work against the whole cluster.</summary>
[Collection(ProxyCollection.Name)]
public class ClientLibraryTests(ProxyFixture fixture)
{
    [Fact]
    public async Task StackExchangeRedis_StringsAndExpiry_CorrectResults()
    {
        IDatabase db = fixture.Db;
        for (int i = 0; i < 50; i++)
        {
            Assert.True(await db.StringSetAsync($"se:str:{i}", $"value {i}"));
        }
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal($"value {i}", (string?)await db.StringGetAsync($"se:str:{i}"));
        }
        Assert.Equal(5, await db.StringIncrementAsync("se:counter", 5));
        Assert.Equal(3.5, await db.StringIncrementAsync("se:float", 3.5));
        Assert.Equal(11, await db.StringAppendAsync("se:append", "hello world"));
        Assert.Equal("world", (string?)await db.StringGetRangeAsync("se:append", 6, -1));
        Assert.True(await db.StringSetAsync("se:ttl", "x", TimeSpan.FromSeconds(100)));
        TimeSpan? ttl = await db.KeyTimeToLiveAsync("se:ttl");
        Assert.InRange(ttl!.Value.TotalSeconds, 90, 100);
        Assert.True(await db.KeyPersistAsync("se:ttl"));
        Assert.Null(await db.KeyTimeToLiveAsync("se:ttl"));
        Assert.True(await db.StringSetAsync("se:short", "x", TimeSpan.FromMilliseconds(50)));
        await Task.Delay(200);
        Assert.False(await db.KeyExistsAsync("se:short"));
    }

    [Fact]
    public async Task StackExchangeRedis_MgetMset_AcrossShards()
    {
        IDatabase db = fixture.Db;
        KeyValuePair<RedisKey, RedisValue>[] pairs = Enumerable.Range(0, 100)
            .Select(i => new KeyValuePair<RedisKey, RedisValue>($"se:m:{i}", i)).ToArray();
        Assert.True(await db.StringSetAsync(pairs));
        RedisValue[] values = await db.StringGetAsync(pairs.Select(p => p.Key).ToArray());
        Assert.Equal(Enumerable.Range(0, 100), values.Select(v => (int)v));
        Assert.Equal(100, await db.KeyDeleteAsync(pairs.Select(p => p.Key).ToArray()));
    }

    [Fact]
    public async Task StackExchangeRedis_HashesListsSetsSortedSets_CorrectResults()
    {
        IDatabase db = fixture.Db;
        await db.HashSetAsync("se:hash", [new HashEntry("a", 1), new HashEntry("b", 2)]);
        Assert.Equal(2, await db.HashLengthAsync("se:hash"));
        Assert.Equal(3, await db.HashIncrementAsync("se:hash", "a", 2));
        Assert.Equal(["a", "b"], (await db.HashGetAllAsync("se:hash")).Select(e => (string)e.Name!).Order());

        await db.KeyDeleteAsync("se:list");
        Assert.Equal(3, await db.ListRightPushAsync("se:list", ["x", "y", "z"]));
        Assert.Equal("x", (string?)await db.ListLeftPopAsync("se:list"));
        Assert.Equal(["y", "z"], (await db.ListRangeAsync("se:list")).Select(v => (string)v!));

        await db.SetAddAsync("se:set", ["p", "q", "r"]);
        Assert.True(await db.SetContainsAsync("se:set", "q"));
        Assert.Equal(3, await db.SetLengthAsync("se:set"));

        await db.SortedSetAddAsync("se:zset", [new SortedSetEntry("low", 1), new SortedSetEntry("high", 10)]);
        Assert.Equal(["low", "high"], (await db.SortedSetRangeByRankAsync("se:zset")).Select(v => (string)v!));
        Assert.Equal(10, await db.SortedSetScoreAsync("se:zset", "high"));

        Assert.True(await db.HyperLogLogAddAsync("se:hll", ["a", "b", "c"]));
        Assert.Equal(3, await db.HyperLogLogLengthAsync("se:hll"));

        Assert.True(await db.GeoAddAsync("se:geo", 13.361389, 38.115556, "Palermo"));
        Assert.NotNull(await db.GeoPositionAsync("se:geo", "Palermo"));

        Assert.False(await db.StringSetBitAsync("se:bits", 7, true));
        Assert.Equal(1, await db.StringBitCountAsync("se:bits"));
    }

    [Fact]
    public async Task StackExchangeRedis_StreamsWithoutBlocking_CorrectResults()
    {
        IDatabase db = fixture.Db;
        await db.KeyDeleteAsync("se:stream");
        RedisValue first = await db.StreamAddAsync("se:stream", "field", "one");
        await db.StreamAddAsync("se:stream", "field", "two");
        Assert.Equal(2, await db.StreamLengthAsync("se:stream"));
        StreamEntry[] entries = await db.StreamRangeAsync("se:stream");
        Assert.Equal(first, entries[0].Id);
        Assert.True(await db.StreamCreateConsumerGroupAsync("se:stream", "group", "0"));
        StreamEntry[] read = await db.StreamReadGroupAsync("se:stream", "group", "consumer", ">", count: 10);
        Assert.Equal(2, read.Length);
        Assert.Equal(2, await db.StreamAcknowledgeAsync("se:stream", "group", read.Select(e => e.Id).ToArray()));
    }

    [Fact]
    public async Task StackExchangeRedis_ConcurrentLoad_AllCorrect()
    {
        IDatabase db = fixture.Db;
        Task[] workers = Enumerable.Range(0, 8).Select(async w =>
        {
            for (int i = 0; i < 200; i++)
            {
                string key = $"se:load:{w}:{i}";
                await db.StringSetAsync(key, key);
                Assert.Equal(key, (string?)await db.StringGetAsync(key));
            }
        }).ToArray();
        await Task.WhenAll(workers);
    }

    [Fact]
    public async Task RedisCli_CommandsThroughStdin_Work()
    {
        string output = await RunRedisCliAsync("SET cli:key hello\nGET cli:key\nMSET cli:a 1 cli:b 2\nMGET cli:a cli:b cli:key\nPING\n");
        Assert.Equal("OK\nhello\nOK\n1\n2\nhello\nPONG\n", output);
    }

    private async Task<string> RunRedisCliAsync(string input) =>
        (await RedisCli.RunAsync(["-h", "127.0.0.1", "-p", fixture.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], input)).Output;
}
