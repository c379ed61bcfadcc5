using Microsoft.Extensions.Logging;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// On the event loops a reply whose turn has come is written to the client straight from the node's read buffer,
/// its one copy (INFO proxy <c>replies_written_on_arrival</c>); a reply that overtook an earlier one is held in its
/// request until then. Either way the client gets its replies whole and in order.
/// </summary>
[Collection(ProxyCollection.Name)]
public class ReplyCopyTests(ProxyFixture fixture)
{
    private Task<SlotgateServer> StartAsync(string transport) =>
        SlotgateServer.StartAsync(new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Admin = new AdminOptions { Listen = "off" },
            Io = new IoOptions { Transport = transport, EventLoops = 1 },
        }, logging => logging.SetMinimumLevel(LogLevel.Warning));

    private static async Task<long> WrittenOnArrivalAsync(RespTestClient client)
    {
        string info = (await client.CallAsync("INFO", "proxy")).Text!;
        string line = info.Split("\r\n").Single(l => l.StartsWith("replies_written_on_arrival:", StringComparison.Ordinal));
        return long.Parse(line["replies_written_on_arrival:".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task TryWriteReply_OneCommandAtATime_EveryReplyWrittenOnArrival()
    {
        await using SlotgateServer server = await StartAsync(IoOptions.Epoll);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        long before = await WrittenOnArrivalAsync(client);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal("OK", (await client.CallAsync("SET", $"copyonce:{i}", $"v{i}")).Text);
            Assert.Equal($"v{i}", (await client.CallAsync("GET", $"copyonce:{i}")).Text);
        }
        // Every reply from a node was its client's next one; INFO itself is answered by Slotgate.
        Assert.Equal(200, await WrittenOnArrivalAsync(client) - before);
    }

    [Fact]
    public async Task TryWriteReply_PipelineAcrossShardsMixedSizes_RepliesWholeAndInOrder()
    {
        await using SlotgateServer server = await StartAsync(IoOptions.Epoll);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        long before = await WrittenOnArrivalAsync(client);
        // Values from a few bytes to beyond a pipe block (4 KiB) and a socket read, on keys spread over the shards, so
        // replies arrive out of order, some whole in one buffer segment and some across segments.
        int[] sizes = [1, 10, 100, 1000, 4000, 5000, 20_000, 100_000];
        var values = new Dictionary<string, string>();
        var sets = new List<byte>();
        for (int i = 0; i < 64; i++)
        {
            string key = $"copymix:{i}";
            values[key] = new string((char)('a' + (i % 26)), sizes[i % sizes.Length] - 1) + "#";
            sets.AddRange(RespTestClient.Encode("SET", key, values[key]));
        }
        await client.SendRawAsync(sets.ToArray());
        for (int i = 0; i < 64; i++)
        {
            Assert.Equal("OK", (await client.ReadAsync()).Text);
        }
        for (int round = 0; round < 3; round++)
        {
            var order = Enumerable.Range(0, 64).Select(i => $"copymix:{(i * 37 + round * 11) % 64}").ToList();
            var batch = new List<byte>();
            foreach (string key in order)
            {
                batch.AddRange(RespTestClient.Encode("GET", key));
                batch.AddRange(RespTestClient.Encode("STRLEN", key));
            }
            await client.SendRawAsync(batch.ToArray());
            foreach (string key in order)
            {
                Assert.Equal(values[key], (await client.ReadAsync()).Text);
                Assert.Equal(values[key].Length, (await client.ReadAsync()).Integer);
            }
        }
        long onArrival = await WrittenOnArrivalAsync(client) - before;
        Assert.InRange(onArrival, 1, 64 + 3 * 128 - 1); // both paths were taken
    }

    [Fact]
    public async Task WriteLoop_LaterReplySlow_EarlierRepliesSentWithoutWaitingForIt()
    {
        // The writer holds a partial burst back for one more poll of the sockets, no longer: a reply that is ready
        // leaves even though the next one (a BLPOP that times out after a second) is still outstanding.
        await using SlotgateServer server = await StartAsync(IoOptions.Epoll);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("SET", "copyslow:ready", "now")).Text);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await client.SendRawAsync([.. RespTestClient.Encode("GET", "copyslow:ready"), .. RespTestClient.Encode("BLPOP", "copyslow:empty", "1")]);
        Assert.Equal("now", (await client.ReadAsync()).Text);
        TimeSpan first = started.Elapsed;
        Assert.True((await client.ReadAsync(TimeSpan.FromSeconds(5))).IsNull);
        TimeSpan second = started.Elapsed;
        Assert.True(second >= TimeSpan.FromMilliseconds(900), $"BLPOP answered after {second.TotalMilliseconds} ms");
        Assert.True(first < TimeSpan.FromMilliseconds(600), $"GET's reply waited {first.TotalMilliseconds} ms, for BLPOP's");
    }

    [Fact]
    public async Task TryWriteReply_KestrelTransport_RepliesHeldAndInOrder()
    {
        await using SlotgateServer server = await StartAsync(IoOptions.Kestrel);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        var batch = new List<byte>();
        for (int i = 0; i < 200; i++)
        {
            batch.AddRange(RespTestClient.Encode("SET", $"copyk:{i}", $"k{i}"));
            batch.AddRange(RespTestClient.Encode("GET", $"copyk:{i}"));
        }
        await client.SendRawAsync(batch.ToArray());
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal("OK", (await client.ReadAsync()).Text);
            Assert.Equal($"k{i}", (await client.ReadAsync()).Text);
        }
        // Off the event loops no thread can prove the writer idle, so every reply is held and written by the writer.
        Assert.Equal(0, await WrittenOnArrivalAsync(client));
    }
}
