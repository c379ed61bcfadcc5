using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Slotgate.Proxy;
using Xunit.Abstractions;

namespace Slotgate.Tests.Hostile;

/// <summary>
/// Hostile clients against Slotgate in front of the real cluster: each attack is bounded, answered or closed as
/// documented (docs/fuzzing.md, "Hostile clients"), and a well-behaved client keeps working alongside. Every test starts
/// its own proxy so that the client registry it checks holds only its own connections.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class HostileClientTests(ProxyFixture fixture, ITestOutputHelper output)
{
    // Loose enough for a loaded 2-core CI machine, tight enough that a stalled event loop would fail it.
    private static readonly TimeSpan GoodClientBound = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Slowloris_FiftyClientsOneBytePerTenthSecond_EachServedAndGoodClientUnaffected()
    {
        await using SlotgateServer proxy = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        await using WellBehavedClient good = await WellBehavedClient.StartAsync(proxy.Endpoints[0]);
        byte[] command = RequestFrame.Encode("SET", "hostile:slow", "v");
        var slow = new List<RespTestClient>();
        for (int i = 0; i < 50; i++)
        {
            slow.Add(await RespTestClient.ConnectAsync(proxy.Endpoints[0]));
        }
        await Wait.UntilAsync(() => Registry(proxy).Count == 51, what: "the slow sessions to register");

        for (int b = 0; b < command.Length; b++)
        {
            foreach (RespTestClient client in slow)
            {
                await client.SendRawAsync(command.AsMemory(b, 1));
            }
            await Task.Delay(100);
        }

        foreach (RespTestClient client in slow)
        {
            Assert.Equal("+OK\r\n", Encoding.Latin1.GetString(await client.ReadRawAsync(TimeSpan.FromSeconds(5))));
            await client.DisposeAsync();
        }
        await good.StopAsync();
        output.WriteLine($"{command.Length} bytes at 10 bytes/s on 50 connections; good client: {good.Calls} calls, slowest {good.Slowest.TotalMilliseconds:F0} ms");
        Assert.Null(good.Error);
        Assert.True(good.Calls > 20, $"good client made only {good.Calls} calls");
        Assert.True(good.Slowest < GoodClientBound, $"good client's slowest call took {good.Slowest}");
    }

    [Theory]
    [InlineData("*1\r\n$4294967296\r\n", "ERR Protocol error: invalid bulk length")]
    [InlineData("*2\r\n$3\r\nGET\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length")]
    [InlineData("*1048577\r\n", "ERR Protocol error: invalid multibulk length")]
    [InlineData("*4294967296\r\n", "ERR Protocol error: invalid multibulk length")]
    public async Task DeclaredLength_OverTheLimit_ProtocolErrorThenClose(string header, string error)
    {
        await using SlotgateServer proxy = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        await using RespTestClient hostile = await RespTestClient.ConnectAsync(proxy.Endpoints[0]);
        await using RespTestClient good = await RespTestClient.ConnectAsync(proxy.Endpoints[0]);

        await hostile.SendRawAsync(header);

        Assert.Equal(error, (await hostile.ReadAsync()).Text);
        Assert.True(await hostile.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("PONG", (await good.CallAsync("PING")).Text);
        await Wait.UntilAsync(() => Registry(proxy).Count == 1, what: "the hostile session to leave the registry");
    }

    [Fact]
    public async Task MillionElementArray_WithinLimits_AnsweredWithMemoryBoundedByBytesReceived()
    {
        await using SlotgateServer proxy = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        await using RespTestClient hostile = await RespTestClient.ConnectAsync(proxy.Endpoints[0]);
        await using WellBehavedClient good = await WellBehavedClient.StartAsync(proxy.Endpoints[0]);
        // EXISTS with one key repeated: a million elements, one slot, so one command for one node.
        const int Elements = 1_000_000;
        byte[] element = "$13\r\nhostile:{big}\r\n"u8.ToArray();
        byte[] header = Encoding.ASCII.GetBytes($"*{Elements}\r\n$6\r\nEXISTS\r\n");
        long total = header.Length + ((long)element.Length * (Elements - 1));
        byte[] chunk = new byte[element.Length * 4096];
        for (int i = 0; i < 4096; i++)
        {
            element.CopyTo(chunk, i * element.Length);
        }

        long before = GC.GetTotalMemory(forceFullCollection: true);
        await hostile.SendRawAsync(header);
        int sent = 0;
        while (sent < Elements - 2)
        {
            int count = Math.Min(4096, Elements - 2 - sent);
            await hostile.SendRawAsync(chunk.AsMemory(0, count * element.Length));
            sent += count;
        }
        await Task.Delay(500);
        long pending = GC.GetTotalMemory(forceFullCollection: true);
        await hostile.SendRawAsync(element);
        string reply = Encoding.Latin1.GetString(await hostile.ReadRawAsync(TimeSpan.FromSeconds(30)));
        long after = GC.GetTotalMemory(forceFullCollection: true);
        await good.StopAsync();

        output.WriteLine($"{total:N0} bytes sent; managed heap {before / 1e6:F1} MB before, {pending / 1e6:F1} MB with all but the last element buffered, {after / 1e6:F1} MB after the reply");
        output.WriteLine($"good client: {good.Calls} calls, slowest {good.Slowest.TotalMilliseconds:F0} ms");
        Assert.Equal($":0\r\n", reply);
        // Buffering costs about what was received (the pipe's blocks), not a per-element allocation.
        Assert.True(pending - before < (3 * total) + (32 << 20), $"heap grew by {(pending - before) / 1e6:F1} MB for {total / 1e6:F1} MB received");
        Assert.Null(good.Error);
        Assert.True(good.Slowest < GoodClientBound * 2, $"good client's slowest call took {good.Slowest}");
    }

    [Fact]
    public async Task HalfOpen_HalfACommandThenShutdownSend_EarlierCommandAnsweredAndSessionRemoved()
    {
        await using SlotgateServer proxy = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        await using RespTestClient hostile = await RespTestClient.ConnectAsync(proxy.Endpoints[0]);
        await Wait.UntilAsync(() => Registry(proxy).Count == 1, what: "the session to register");

        await hostile.SendRawAsync("PING\r\n*2\r\n$3\r\nGET\r\n$5\r\nab"u8.ToArray());
        hostile.ShutdownSend();

        Assert.Equal("+PONG\r\n", Encoding.Latin1.GetString(await hostile.ReadRawAsync(TimeSpan.FromSeconds(5))));
        // Nothing after the PONG: the connection ends.
        await Assert.ThrowsAsync<IOException>(() => hostile.ReadRawAsync(TimeSpan.FromSeconds(5)));
        await Wait.UntilAsync(() => Registry(proxy).Count == 0, what: "the half-closed session to leave the registry");
    }

    [Fact]
    public async Task HalfOpen_HalfACommandThenReset_SessionRemoved()
    {
        await using SlotgateServer proxy = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        await using RespTestClient good = await RespTestClient.ConnectAsync(proxy.Endpoints[0]);
        for (int i = 0; i < 20; i++)
        {
            Socket hostile = await ConnectAsync(proxy.Endpoints[0]);
            await hostile.SendAsync("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000\r\nabc"u8.ToArray());
            // Vanish: an RST instead of a FIN, as when the client's process dies.
            hostile.LingerState = new LingerOption(true, 0);
            hostile.Dispose();
        }

        await Wait.UntilAsync(() => Registry(proxy).Count == 1, what: "the reset sessions to leave the registry");
        Assert.Equal("PONG", (await good.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task ConnectionFlood_TwoThousandOpenedAndClosed_NoSessionLeftAndGoodClientUnaffected()
    {
        await using SlotgateServer proxy = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        await using WellBehavedClient good = await WellBehavedClient.StartAsync(proxy.Endpoints[0]);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int peak = 0;
        for (int batch = 0; batch < 20; batch++)
        {
            Socket[] sockets = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => ConnectAsync(proxy.Endpoints[0])));
            for (int i = 0; i < sockets.Length; i++)
            {
                // A third send a command and leave, a third reset, a third just close.
                if (i % 3 == 0)
                {
                    await sockets[i].SendAsync("PING\r\n"u8.ToArray());
                }
                else if (i % 3 == 1)
                {
                    sockets[i].LingerState = new LingerOption(true, 0);
                }
            }
            peak = Math.Max(peak, Registry(proxy).Count);
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
        TimeSpan flood = watch.Elapsed;
        await Wait.UntilAsync(() => Registry(proxy).Count == 1, what: "every flood session to leave the registry");
        await good.StopAsync();

        output.WriteLine($"2000 connections in {flood.TotalMilliseconds:F0} ms, at most {peak} sessions registered at once; good client: {good.Calls} calls, slowest {good.Slowest.TotalMilliseconds:F0} ms");
        Assert.Null(good.Error);
        Assert.True(good.Slowest < GoodClientBound, $"good client's slowest call took {good.Slowest}");
    }

    private static ClientRegistry Registry(SlotgateServer proxy) => proxy.Services.GetRequiredService<CommandDispatcher>().Clients;

    private static async Task<Socket> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint);
        return socket;
    }
}
