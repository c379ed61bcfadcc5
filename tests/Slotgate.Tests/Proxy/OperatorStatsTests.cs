using System.Globalization;
using Slotgate.Demo;
using Slotgate.Protocol;
using Slotgate.Tests.Support;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// The nodes' statistics through Slotgate, merged as one server holding the whole data set would report them, each
/// compared with what the nodes themselves answer; and the nodes' slow logs beside Slotgate's own. Tests put back the
/// settings they change, as the cluster is shared.
/// </summary>
[Collection(ProxyCollection.Name)]
public class OperatorStatsTests(ProxyFixture fixture)
{
    [Fact]
    public async Task MemoryStats_Resp2_KeysAndBytesSummedOverPrimaries()
    {
        (_, string key) = KeyOn(0, "memstats:");
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("SET", key, "v");

        RespValue merged = await client.CallAsync("MEMORY", "STATS");

        long keys = 0;
        long dataset = 0;
        foreach (LocalRedisNode primary in fixture.Cluster.Primaries)
        {
            Dictionary<string, RespValue> own = Pairs(await primary.SendAsync(["MEMORY", "STATS"]));
            keys += own["keys.count"].Integer;
            dataset += own["dataset.bytes"].Integer;
        }
        Dictionary<string, RespValue> stats = Pairs(merged);
        Assert.Equal('*', merged.Type);
        Assert.Equal(keys, stats["keys.count"].Integer);
        // The bytes move with every connection's buffers (the nodes' own clients included), so only roughly equal.
        Assert.InRange(stats["dataset.bytes"].Integer, dataset / 2, dataset * 2);
        Assert.Equal('$', stats["fragmentation"].Type);
        double percentage = double.Parse(stats["dataset.percentage"].Text!, CultureInfo.InvariantCulture);
        Assert.InRange(percentage, 0, 100);
        Assert.Equal('*', stats["db.0"].Type);
        Assert.True(Pairs(stats["db.0"])["overhead.hashtable.main"].Integer > 0);
        await client.CallAsync("DEL", key);
    }

    [Fact]
    public async Task MemoryStats_Resp3_MapsAndDoublesAsRedisGivesThem()
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("HELLO", "3");
        string key = "memstats3:" + Guid.NewGuid().ToString("N")[..8];
        await client.CallAsync("SET", key, "v"); // a database with no keys is left out

        RespValue merged = await client.CallAsync("MEMORY", "STATS");

        await client.CallAsync("DEL", key);
        Assert.Equal('%', merged.Type);
        Dictionary<string, RespValue> stats = Pairs(merged);
        Assert.Equal(',', stats["peak.percentage"].Type);
        Assert.Equal(':', stats["total.allocated"].Type);
        Assert.Equal('%', stats["db.0"].Type);
    }

    [Fact]
    public async Task LatencyLatestAndHistory_SlowScriptOnOnePrimary_EventReportedOnceAsByTheNode()
    {
        (LocalRedisNode primary, string key) = KeyOn(1, "latency:");
        await using var client = await ConfiguredClientAsync("latency-monitor-threshold", "5");
        try
        {
            Assert.Equal(':', (await client.CallAsync("LATENCY", "RESET")).Type);
            // A script that spins for 30 ms on the key's primary: a "command" latency event there only.
            await client.CallAsync("EVAL", "local t = redis.call('TIME') local s = t[1] * 1000000 + t[2] " +
                "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - s > 30000 return 1", "1", key);

            RespValue latest = await client.CallAsync("LATENCY", "LATEST");
            RespValue history = await client.CallAsync("LATENCY", "HISTORY", "command");
            RespValue graph = await client.CallAsync("LATENCY", "GRAPH", "command");
            RespValue none = await client.CallAsync("LATENCY", "GRAPH", "no-such-event");

            RespValue own = (await primary.SendAsync(["LATENCY", "LATEST"])).ItemsOrEmpty.Single(e => e.Items![0].Text == "command");
            RespValue entry = Assert.Single(latest.ItemsOrEmpty, e => e.Items![0].Text == "command");
            Assert.Equal(own.Items!.Select(f => f.ToString()), entry.Items!.Select(f => f.ToString()));
            RespValue sample = Assert.Single(history.ItemsOrEmpty);
            Assert.True(sample.Items![1].Integer >= 30, sample.ToString());
            Assert.Contains(primary.Endpoint + ":\ncommand - high ", graph.Text, StringComparison.Ordinal);
            Assert.Equal("ERR No samples available for event 'no-such-event'", none.Text);
        }
        finally
        {
            await client.CallAsync("CONFIG", "SET", "latency-monitor-threshold", "0");
            await client.CallAsync("LATENCY", "RESET");
        }
    }

    [Fact]
    public async Task LatencyHistogram_SetsOnEveryPrimary_CallsAndCumulativeCountsSummed()
    {
        await using var client = await fixture.ConnectRawAsync();
        for (int i = 0; i < 30; i++)
        {
            await client.CallAsync("SET", "histogram:" + i.ToString(CultureInfo.InvariantCulture), "v");
        }

        RespValue merged = await client.CallAsync("LATENCY", "HISTOGRAM", "set", "no-such-command");

        long calls = 0;
        foreach (LocalRedisNode primary in fixture.Cluster.Primaries)
        {
            RespValue own = await primary.SendAsync(["LATENCY", "HISTOGRAM", "set"]);
            calls += Pairs(own.ItemsOrEmpty[1])["calls"].Integer;
        }
        Assert.Equal(2, merged.ItemsOrEmpty.Count);
        Assert.Equal("set", merged.ItemsOrEmpty[0].Text);
        Dictionary<string, RespValue> set = Pairs(merged.ItemsOrEmpty[1]);
        Assert.Equal(calls, set["calls"].Integer);
        IReadOnlyList<RespValue> buckets = set["histogram_usec"].ItemsOrEmpty;
        Assert.Equal(calls, buckets[^1].Integer);
        for (int b = 3; b < buckets.Count; b += 2)
        {
            Assert.True(buckets[b].Integer > buckets[b - 2].Integer && buckets[b - 1].Integer > buckets[b - 3].Integer, merged.ToString());
        }
        await client.CallAsync("HELLO", "3");
        RespValue map = await client.CallAsync("LATENCY", "HISTOGRAM", "set");
        Assert.Equal('%', map.Type);
        Assert.Equal('%', map.ItemsOrEmpty[1].Type);
        Assert.Equal('%', Pairs(map.ItemsOrEmpty[1])["histogram_usec"].Type);
    }

    [Fact]
    public async Task FunctionStatsAndMemoryDoctor_Resp3_MapAndVerbatimTextAsRedisGivesThem()
    {
        RespValue stats = await Resp3CallAsync("FUNCTION", "STATS");
        RespValue report = await Resp3CallAsync("MEMORY", "DOCTOR");

        Assert.Equal('%', stats.Type);
        Dictionary<string, RespValue> fields = Pairs(stats);
        Assert.Equal('_', fields["running_script"].Type);
        Assert.Equal('%', fields["engines"].Type);
        Assert.Equal('%', Pairs(fields["engines"])["LUA"].Type);
        Assert.Equal('=', report.Type);
        Assert.Contains(fixture.Cluster.Primaries[0].Endpoint + ":\n", report.Text, StringComparison.Ordinal);
    }

    /// <summary>A key of this test's own owned by primary <paramref name="index"/>.</summary>
    private (LocalRedisNode Primary, string Key) KeyOn(int index, string prefix)
    {
        LocalRedisNode primary = fixture.Cluster.Primaries[index];
        return (primary, TestKeys.OwnedBy(fixture.Server, primary.Endpoint, prefix + Guid.NewGuid().ToString("N")[..8]));
    }

    /// <summary>A client, after it set <paramref name="parameter"/> on every node through Slotgate.</summary>
    private async Task<RespTestClient> ConfiguredClientAsync(string parameter, string value)
    {
        RespTestClient client = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await client.CallAsync("CONFIG", "SET", parameter, value)).Text);
        return client;
    }

    private async Task<RespValue> Resp3CallAsync(params string[] command)
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("HELLO", "3");
        return await client.CallAsync(command);
    }

    [Fact]
    public async Task SlowlogGetNodes_CommandOverNodesThreshold_EntryNamesItsNode()
    {
        (LocalRedisNode primary, string key) = KeyOn(2, "nodeslow:");
        await using var client = await ConfiguredClientAsync("slowlog-log-slower-than", "0");
        try
        {
            await client.CallAsync("SET", key, "v");

            RespValue entries = await client.CallAsync("SLOWLOG", "GET", "-1", "NODES");
            RespValue two = await client.CallAsync("SLOWLOG", "GET", "2", "nodes");

            // The primary's entry (its replica, replaying the write, logs it too, under its own address).
            var logged = entries.ItemsOrEmpty.Where(e => e.Items![3].ItemsOrEmpty.Select(a => a.Text).SequenceEqual(["SET", key, "v"])).ToList();
            RespValue entry = Assert.Single(logged, e => e.Items![5].Text == primary.Endpoint);
            Assert.Equal(6, entry.Items!.Count);
            Assert.All(logged, e => Assert.Contains(fixture.Cluster.Nodes, n => n.Endpoint == e.Items![5].Text));
            IEnumerable<long> times = entries.ItemsOrEmpty.Select(e => e.Items![1].Integer);
            Assert.Equal(times.OrderDescending(), times);
            Assert.Equal(2, two.ItemsOrEmpty.Count);
            Assert.Equal("ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.",
                (await client.CallAsync("SLOWLOG", "get", "1", "other")).Text);
        }
        finally
        {
            await client.CallAsync("CONFIG", "SET", "slowlog-log-slower-than", "10000");
        }
    }

    [Theory]
    [InlineData("CONFIG")]
    [InlineData("FUNCTION")]
    [InlineData("SCRIPT")]
    [InlineData("XINFO")]
    [InlineData("XGROUP")]
    [InlineData("PUBSUB")]
    public async Task Help_Subcommand_SameTextAsANode(string container)
    {
        await using var client = await fixture.ConnectRawAsync();

        RespValue help = await client.CallAsync(container, "HELP");

        RespValue own = await fixture.Cluster.Primaries[0].SendAsync([container, "HELP"]);
        Assert.Equal(own.ItemsOrEmpty.Select(l => l.Text), help.ItemsOrEmpty.Select(l => l.Text));
    }

    /// <summary>A flat [name, value, ...] array or a RESP3 map as a dictionary.</summary>
    private static Dictionary<string, RespValue> Pairs(RespValue pairs)
    {
        var result = new Dictionary<string, RespValue>(StringComparer.Ordinal);
        IReadOnlyList<RespValue> items = pairs.ItemsOrEmpty;
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            result[items[i].Text!] = items[i + 1];
        }
        return result;
    }
}
