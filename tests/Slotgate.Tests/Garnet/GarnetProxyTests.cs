using System.Globalization;

namespace Slotgate.Tests.Garnet;

/// <summary>Slotgate in front of a Garnet cluster: keys routed to their owners, multi-key commands split, Garnet's own commands.</summary>
[Collection(GarnetCollection.Name)]
public class GarnetProxyTests(GarnetFixture garnet)
{
    [Fact]
    public async Task Set_KeyOnEachShard_StoredOnItsOwner()
    {
        await using RespTestClient client = await garnet.ConnectAsync();
        foreach (string endpoint in garnet.Cluster.Endpoints)
        {
            string key = TestKeys.OwnedBy(garnet.Server, endpoint, "garnet:route");

            Assert.Equal("OK", (await client.CallAsync("SET", key, endpoint)).Text);

            int port = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            Assert.Equal(endpoint, (await garnet.Cluster.CallAsync(port, "GET", key)).Text);
            Assert.Equal(endpoint, (await client.CallAsync("GET", key)).Text);
        }
    }

    [Fact]
    public async Task Mset_KeysOnEveryShard_SplitAndAllRead()
    {
        await using RespTestClient client = await garnet.ConnectAsync();
        string[] keys = [.. garnet.Cluster.Endpoints.Select((e, i) => TestKeys.OwnedBy(garnet.Server, e, "garnet:mset" + i.ToString(CultureInfo.InvariantCulture)))];

        Assert.Equal("OK", (await client.CallAsync(["MSET", .. keys.SelectMany(k => new[] { k, "v:" + k })])).Text);

        RespValue values = await client.CallAsync(["MGET", .. keys]);
        Assert.Equal(keys.Select(k => "v:" + k), values.ItemsOrEmpty.Select(v => v.Text));
        Assert.Equal(keys.Length, (await client.CallAsync(["DEL", .. keys])).Integer);
    }

    [Fact]
    public async Task Hexpire_ThroughSlotgate_ExpiresTheFieldOnItsOwner()
    {
        // Redis 7.4's hash-field expiry, which Garnet has and Slotgate's built-in Redis 7.0 table does not: it routes by
        // the key spec the node reported (key at index 1).
        await using RespTestClient client = await garnet.ConnectAsync();
        foreach (string endpoint in garnet.Cluster.Endpoints)
        {
            string key = TestKeys.OwnedBy(garnet.Server, endpoint, "garnet:hexpire");
            await client.CallAsync("DEL", key);
            Assert.Equal(2, (await client.CallAsync("HSET", key, "a", "1", "b", "2")).Integer);

            RespValue expire = await client.CallAsync("HEXPIRE", key, "100", "FIELDS", "1", "a");
            Assert.False(expire.IsError, expire.Text);
            Assert.Equal([1L], expire.ItemsOrEmpty.Select(i => i.Integer));

            RespValue ttl = await client.CallAsync("HTTL", key, "FIELDS", "2", "a", "b");
            Assert.InRange(ttl.ItemsOrEmpty[0].Integer, 90, 100);
            Assert.Equal(-1, ttl.ItemsOrEmpty[1].Integer);
            Assert.Equal([1L], (await client.CallAsync("HPERSIST", key, "FIELDS", "1", "a")).ItemsOrEmpty.Select(i => i.Integer));
        }
    }

    [Fact]
    public async Task CommandInfo_Hexpire_AnswersTheLearnedKeySpec()
    {
        await using RespTestClient client = await garnet.ConnectAsync();

        RespValue info = (await client.CallAsync("COMMAND", "INFO", "hexpire")).ItemsOrEmpty[0];

        Assert.Equal("hexpire", info.ItemsOrEmpty[0].Text);
        Assert.Equal(-6, info.ItemsOrEmpty[1].Integer);
        Assert.Contains("@hash", info.ItemsOrEmpty[6].ItemsOrEmpty.Select(c => c.Text));
        Assert.Equal("1", (await client.CallAsync("COMMAND", "GETKEYS", "HEXPIRE", "h", "10", "FIELDS", "1", "f")).ItemsOrEmpty.Count.ToString(CultureInfo.InvariantCulture));
        // The union: Redis 7.0's 240 commands and the 60 that Garnet 2.2.12 has beyond them.
        Assert.Equal(300, (await client.CallAsync("COMMAND", "COUNT")).Integer);
    }

    [Fact]
    public async Task CommandDocs_Hexpire_AnswersGarnetsDocs()
    {
        await using RespTestClient client = await garnet.ConnectAsync();

        RespValue docs = await client.CallAsync("COMMAND", "DOCS", "hexpire");

        Assert.Equal("hexpire", docs.ItemsOrEmpty[0].Text);
        List<string?> fields = [.. docs.ItemsOrEmpty[1].ItemsOrEmpty.Select(i => i.Text)];
        Assert.Contains("summary", fields);
        Assert.Contains("arguments", fields);
    }

    [Fact]
    public async Task Eval_KeysOnOneShard_RoutedByTheKeynumSpec()
    {
        // EVAL is movablekeys: its keys are where its key spec (keynum) says, on Garnet as on Redis.
        await using RespTestClient client = await garnet.ConnectAsync();
        string key = TestKeys.OwnedBy(garnet.Server, garnet.Cluster.Endpoints[2], "garnet:eval");

        RespValue reply = await client.CallAsync("EVAL", "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])", "1", key, "scripted");

        Assert.Equal("scripted", reply.Text);
        Assert.Equal("scripted", (await client.CallAsync("GET", key)).Text);
    }
}
