namespace Slotgate.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public class IntrospectionTests(ProxyFixture fixture)
{
    [Fact]
    public async Task InfoCommandstats_AfterKnownCommands_MatchesWhatWasSent()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        for (int i = 0; i < 7; i++)
        {
            await client.CallAsync("SET", $"cmdstats:{i}", "v");
        }
        for (int i = 0; i < 3; i++)
        {
            await client.CallAsync("GET", $"cmdstats:{i}");
        }
        await client.CallAsync("INCR", "cmdstats:0"); // not an integer: fails at Redis
        await client.CallAsync("GET"); // wrong arity: rejected by Slotgate
        await client.CallAsync("CLIENT", "ID");
        string info = (await client.CallAsync("INFO", "commandstats")).Text!;
        var lines = info.Split("\r\n").Where(l => l.StartsWith("cmdstat_", StringComparison.Ordinal)).ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)], l => l);
        Assert.StartsWith("# Commandstats", info, StringComparison.Ordinal);
        Assert.Equal(["cmdstat_client|id", "cmdstat_get", "cmdstat_incr", "cmdstat_set"], lines.Keys.Order(StringComparer.Ordinal));
        Assert.Matches(@"^cmdstat_set:calls=7,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$", lines["cmdstat_set"]);
        Assert.Matches(@"^cmdstat_get:calls=4,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0$", lines["cmdstat_get"]);
        Assert.Matches(@"^cmdstat_incr:calls=1,.*rejected_calls=0,failed_calls=1$", lines["cmdstat_incr"]);
        Assert.Matches(@"^cmdstat_client\|id:calls=1,", lines["cmdstat_client|id"]);
    }

    [Fact]
    public async Task InfoLatencystatsAndProxy_AfterCommands_ReportPercentilesAndProxyState()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await client.CallAsync("SET", "latstats:a", "v");
        string latency = (await client.CallAsync("INFO", "latencystats")).Text!;
        Assert.Matches(@"latency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n", latency);
        string proxy = (await client.CallAsync("INFO", "proxy")).Text!;
        Assert.StartsWith("# Proxy\r\n", proxy, StringComparison.Ordinal);
        Assert.Contains("proxy_name:slotgate\r\n", proxy, StringComparison.Ordinal);
        Assert.Contains("connected_clients:1\r\n", proxy, StringComparison.Ordinal);
        Assert.Contains("total_connections_received:1\r\n", proxy, StringComparison.Ordinal);
        Assert.Contains("topology_shards:3\r\n", proxy, StringComparison.Ordinal);
        Assert.Contains("topology_slots_covered:16384\r\n", proxy, StringComparison.Ordinal);
        // The default INFO has the proxy section but (as in Redis) not commandstats/latencystats; "all" has them.
        string defaults = (await client.CallAsync("INFO")).Text!;
        Assert.Contains("# Proxy\r\n", defaults, StringComparison.Ordinal);
        Assert.DoesNotContain("# Commandstats", defaults, StringComparison.Ordinal);
        string all = (await client.CallAsync("INFO", "all")).Text!;
        Assert.Contains("# Commandstats\r\ncmdstat_", all, StringComparison.Ordinal);
        Assert.Contains("# Latencystats\r\n", all, StringComparison.Ordinal);
        Assert.Contains("# Keyspace\r\n", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InfoStats_ThroughSlotgate_ConnectionAndCommandCountsAreSlotgatesOwn()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await client.CallAsync("PING");
        await client.CallAsync("PING");
        string stats = (await client.CallAsync("INFO", "stats")).Text!;
        Assert.Contains("total_connections_received:1\r\n", stats, StringComparison.Ordinal);
        Assert.Contains("total_commands_processed:2\r\n", stats, StringComparison.Ordinal);
        Assert.Contains("keyspace_hits:", stats, StringComparison.Ordinal); // still the primaries' sum
    }

    [Fact]
    public async Task Slowlog_CommandOverThreshold_LoggedWithArgumentsAndClient_LenAndReset()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster,
            o => o with { Diagnostics = new DiagnosticsOptions { SlowlogThreshold = TimeSpan.FromMilliseconds(50), SlowlogMaxLength = 2 } });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("CLIENT", "SETNAME", "slow-one")).Text);
        await client.CallAsync("SET", "slowlog:fast", "v");
        // DEBUG SLEEP is refused by Slotgate; a blocking pop that times out takes the 0.2 s it asks for.
        await client.CallAsync("BLPOP", "slowlog:empty", "0.2");
        Assert.Equal(1, (await client.CallAsync("SLOWLOG", "LEN")).Integer);
        RespValue entries = await client.CallAsync("SLOWLOG", "GET");
        RespValue entry = Assert.Single(entries.ItemsOrEmpty);
        Assert.Equal(0, entry.Items![0].Integer);
        Assert.True(Math.Abs(entry.Items[1].Integer - DateTimeOffset.UtcNow.ToUnixTimeSeconds()) < 60);
        Assert.True(entry.Items[2].Integer >= 150_000, $"duration {entry.Items[2].Integer} µs");
        Assert.Equal(["BLPOP", "slowlog:empty", "0.2"], entry.Items[3].ItemsOrEmpty.Select(a => a.Text));
        Assert.StartsWith("127.0.0.1:", entry.Items[4].Text, StringComparison.Ordinal);
        Assert.Equal("slow-one", entry.Items[5].Text);
        Assert.Equal("OK", (await client.CallAsync("SLOWLOG", "RESET")).Text);
        Assert.Equal(0, (await client.CallAsync("SLOWLOG", "LEN")).Integer);
    }

    [Fact]
    public async Task Slowlog_LongArguments_TruncatedAsRedisDoes()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster,
            o => o with { Diagnostics = new DiagnosticsOptions { SlowlogThreshold = TimeSpan.Zero } });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await client.CallAsync("SET", "slowlog:big", new string('x', 200));
        RespValue entry = (await client.CallAsync("SLOWLOG", "GET", "1")).ItemsOrEmpty[0];
        Assert.Equal(new string('x', 128) + "... (72 more bytes)", entry.Items![3].ItemsOrEmpty[2].Text);
    }

    [Fact]
    public async Task ClientListAndKill_OtherClient_ListedThenDisconnected()
    {
        await using var me = await fixture.ConnectRawAsync();
        await using var victim = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await victim.CallAsync("CLIENT", "SETNAME", "victim")).Text);
        long victimId = (await victim.CallAsync("CLIENT", "ID")).Integer;
        long myId = (await me.CallAsync("CLIENT", "ID")).Integer;
        string list = (await me.CallAsync("CLIENT", "LIST")).Text!;
        Assert.Contains($"id={victimId} ", list, StringComparison.Ordinal);
        Assert.Contains($"id={myId} ", list, StringComparison.Ordinal);
        Assert.Contains(" name=victim ", list, StringComparison.Ordinal);
        string only = (await me.CallAsync("CLIENT", "LIST", "ID", victimId.ToString(System.Globalization.CultureInfo.InvariantCulture))).Text!;
        Assert.Single(only.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // SKIPME yes (the default) spares the caller even when a filter matches it.
        Assert.Equal(0, (await me.CallAsync("CLIENT", "KILL", "ID", myId.ToString(System.Globalization.CultureInfo.InvariantCulture))).Integer);
        Assert.Equal(1, (await me.CallAsync("CLIENT", "KILL", "ID", victimId.ToString(System.Globalization.CultureInfo.InvariantCulture))).Integer);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await victim.CallAsync("PING").WaitAsync(timeout.Token);
        });
        Assert.DoesNotContain($"id={victimId} ", (await me.CallAsync("CLIENT", "LIST")).Text!, StringComparison.Ordinal);
        Assert.Equal("ERR No such client", (await me.CallAsync("CLIENT", "KILL", "10.9.9.9:1")).Text);
        Assert.Equal("ERR syntax error", (await me.CallAsync("CLIENT", "KILL", "BOGUS", "1")).Text);
    }
}
