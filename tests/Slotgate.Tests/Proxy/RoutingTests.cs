namespace Slotgate.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public class RoutingTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Pipeline_1000MixedCommandsAcrossSlots_RepliesInOrder()
    {
        await using var client = await fixture.ConnectRawAsync();
        var payload = new List<byte>();
        var expected = new List<string>();
        for (int i = 0; i < 1000; i++)
        {
            string key = $"pipe:{i}";
            switch (i % 4)
            {
                case 0:
                    payload.AddRange(RespTestClient.Encode("SET", key, $"v{i}"));
                    expected.Add("OK");
                    break;
                case 1:
                    payload.AddRange(RespTestClient.Encode("INCRBY", key, $"{i}"));
                    expected.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case 2:
                    payload.AddRange(RespTestClient.Encode("ECHO", $"e{i}"));
                    expected.Add($"e{i}");
                    break;
                default:
                    payload.AddRange(RespTestClient.Encode("GET", $"pipe:{i - 3}"));
                    expected.Add($"v{i - 3}");
                    break;
            }
        }
        await client.SendRawAsync(payload.ToArray());
        for (int i = 0; i < expected.Count; i++)
        {
            RespValue reply = await client.ReadAsync();
            Assert.Equal(expected[i], reply.ToString());
        }
    }

    [Fact]
    public async Task MsetMgetDel_KeysOnAllShards_SplitAndMergedInOrder()
    {
        await using var client = await fixture.ConnectRawAsync();
        string[] keys = Enumerable.Range(0, 40).Select(i => $"split:{i}").ToArray();
        Assert.True(keys.Select(k => ShardOf(k)).Distinct().Count() == 3, "keys should cover all three shards");
        var mset = new List<string> { "MSET" };
        foreach (string key in keys)
        {
            mset.Add(key);
            mset.Add("value-of-" + key);
        }
        Assert.Equal("OK", (await client.CallAsync([.. mset])).Text);

        var mgetArgs = new List<string> { "MGET" };
        mgetArgs.AddRange(keys);
        mgetArgs.Insert(5, "split:missing");
        RespValue values = await client.CallAsync([.. mgetArgs]);
        Assert.Equal(41, values.Items!.Count);
        for (int i = 1; i < mgetArgs.Count; i++)
        {
            string key = mgetArgs[i];
            if (key == "split:missing")
            {
                Assert.True(values.Items[i - 1].IsNull);
            }
            else
            {
                Assert.Equal("value-of-" + key, values.Items[i - 1].Text);
            }
        }

        Assert.Equal(40, (await client.CallAsync(["EXISTS", .. keys])).Integer);
        Assert.Equal(41, (await client.CallAsync(["EXISTS", .. keys, keys[0]])).Integer);
        Assert.Equal(20, (await client.CallAsync(["TOUCH", .. keys[..20]])).Integer);
        Assert.Equal(20, (await client.CallAsync(["UNLINK", .. keys[..20]])).Integer);
        Assert.Equal(20, (await client.CallAsync(["DEL", .. keys, "split:missing"])).Integer);
        Assert.Equal(0, (await client.CallAsync(["EXISTS", .. keys])).Integer);
    }

    [Fact]
    public async Task MultiKey_SameHashTag_ForwardedAsOneCommand()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await client.CallAsync("MSET", "{user:7}:a", "1", "{user:7}:b", "2")).Text);
        Assert.Equal(1, (await client.CallAsync("SADD", "{user:7}:s1", "x")).Integer);
        Assert.Equal(1, (await client.CallAsync("SADD", "{user:7}:s2", "y")).Integer);
        RespValue union = await client.CallAsync("SUNION", "{user:7}:s1", "{user:7}:s2");
        Assert.Equal(["x", "y"], union.Items!.Select(v => v.Text).Order());
        Assert.Equal("OK", (await client.CallAsync("RENAME", "{user:7}:a", "{user:7}:c")).Text);
        Assert.Equal("1", (await client.CallAsync("GET", "{user:7}:c")).Text);
        RespValue script = await client.CallAsync("EVAL", "return redis.call('GET', KEYS[1])", "1", "{user:7}:b");
        Assert.Equal("2", script.Text);
        Assert.Equal("3", (await client.CallAsync("EVAL", "return '3'", "0")).Text);
    }

    [Fact]
    public async Task MultiKey_DifferentSlots_ReturnsCrossSlot()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.NotEqual(HashSlot.Of("cross:a"u8), HashSlot.Of("cross:b"u8));
        const string crossSlot = "CROSSSLOT Keys in request don't hash to the same slot";
        Assert.Equal(crossSlot, (await client.CallAsync("SUNION", "cross:a", "cross:b")).Text);
        Assert.Equal(crossSlot, (await client.CallAsync("RENAME", "cross:a", "cross:b")).Text);
        Assert.Equal(crossSlot, (await client.CallAsync("MSETNX", "cross:a", "1", "cross:b", "2")).Text);
        Assert.Equal(crossSlot, (await client.CallAsync("EVAL", "return 1", "2", "cross:a", "cross:b")).Text);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task Forward_SingleKey_ReachesOwningPrimaryUnchanged()
    {
        await using var client = await fixture.ConnectRawAsync();
        byte[] binary = [0, 1, 2, 13, 10, 255, 36, 42];
        var frame = new RequestFrame();
        frame.Begin(3);
        frame.AppendArg("SET"u8);
        frame.AppendArg("binary:key"u8);
        frame.AppendArg(binary);
        await client.SendRawAsync(frame.Bytes.ToArray());
        Assert.Equal("OK", (await client.ReadAsync()).Text);

        // Read the value straight from the node that owns the slot: the bytes arrived unchanged.
        var owner = await fixture.Cluster.GetSlotOwnerAsync(HashSlot.Of("binary:key"u8));
        await using var direct = await RespTestClient.ConnectAsync(System.Net.IPEndPoint.Parse(owner.Endpoint));
        await direct.SendAsync("GET", "binary:key");
        byte[] raw = await direct.ReadRawAsync();
        Assert.Equal([.. Encoding.ASCII.GetBytes("$8\r\n"), .. binary, 13, 10], raw);
    }

    [Fact]
    public async Task DbSize_AllShards_SumsPrimaries()
    {
        await using var client = await fixture.ConnectRawAsync();
        long before = (await client.CallAsync("DBSIZE")).Integer;
        for (int i = 0; i < 12; i++)
        {
            await client.CallAsync("SET", $"dbsize:{Guid.NewGuid()}", "1");
        }
        Assert.Equal(before + 12, (await client.CallAsync("DBSIZE")).Integer);
    }

    private string ShardOf(string key) =>
        fixture.Server.Topology.Current.GetShard(HashSlot.Of(Encoding.UTF8.GetBytes(key)))!.Primary.Endpoint;
}
