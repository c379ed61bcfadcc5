using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Slotgate.Tests.Transport;

/// <summary>
/// The event-loop transports (io.transport: epoll and io_uring) at their edges, against the real cluster: the rest of the
/// suite runs on the default (auto: io_uring where allowed, as here, else epoll); these cover what only a transport does (partial sends, half-close, large frames,
/// many clients per loop) and keep the Kestrel transport working.
/// </summary>
[Collection(ProxyCollection.Name)]
public class EventLoopTransportTests(ProxyFixture fixture)
{
    private Task<SlotgateServer> StartAsync(string transport, int eventLoops = 0) =>
        SlotgateServer.StartAsync(new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Admin = new AdminOptions { Listen = "off" },
            Io = new IoOptions { Transport = transport, EventLoops = eventLoops },
        }, logging => logging.SetMinimumLevel(LogLevel.Warning));

    /// <summary>
    /// Sends <paramref name="commands"/> through a new proxy on <paramref name="transport"/>, waits <paramref name="pause"/>,
    /// shuts down the sending side (as <c>printf ... | nc -N</c> does) and returns everything the proxy sends until it
    /// closes the connection (within 10 seconds).
    /// </summary>
    private async Task<string> SendThenHalfCloseAsync(string transport, byte[] commands, TimeSpan pause = default)
    {
        await using SlotgateServer server = await StartAsync(transport);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Endpoints[0]);
        await socket.SendAsync(commands);
        await Task.Delay(pause);
        socket.Shutdown(SocketShutdown.Send);

        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            received.Write(buffer, 0, read);
        }
        return Encoding.ASCII.GetString(received.ToArray());
    }

    [Theory]
    [InlineData("epoll")]
    [InlineData("io_uring")]
    [InlineData("kestrel")]
    public async Task Transport_LargeValueBothWays_ArrivesWhole(string transport)
    {
        await using SlotgateServer server = await StartAsync(transport);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 16 * 1024 };
        await socket.ConnectAsync(server.Endpoints[0]);
        // 8 MB: far beyond a socket buffer and a pipe's pause threshold, so sends are partial and reads resume.
        string value = new string('v', 8 * 1024 * 1024 - 3) + "end";
        string key = $"transport:{transport}:big";
        await socket.SendAsync(RespTestClient.Encode("SET", key, value));
        await socket.SendAsync(RespTestClient.Encode("GET", key));
        await socket.SendAsync(RespTestClient.Encode("DEL", key));
        string expected = "+OK\r\n" + $"${value.Length}\r\n{value}\r\n" + ":1\r\n";
        byte[] received = new byte[expected.Length];
        int total = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (total < received.Length)
        {
            await Task.Delay(total == 0 ? 0 : 1); // a slow reader: the proxy's sends fill the socket and wait
            int read = await socket.ReceiveAsync(received.AsMemory(total, Math.Min(64 * 1024, received.Length - total)), SocketFlags.None, timeout.Token);
            Assert.True(read > 0, $"closed after {total} bytes");
            total += read;
        }
        Assert.Equal(expected, Encoding.ASCII.GetString(received));
    }

    [Theory]
    [InlineData("epoll")]
    [InlineData("io_uring")]
    [InlineData("kestrel")]
    public async Task Transport_ClientHalfClosesAfterPipeline_EveryReplyStillArrives(string transport)
    {
        var commands = new StringBuilder();
        for (int i = 0; i < 200; i++)
        {
            commands.Append("*3\r\n$3\r\nSET\r\n$").Append($"halfclose:{i}".Length).Append("\r\n").Append($"halfclose:{i}").Append("\r\n$1\r\nx\r\n");
        }
        commands.Append("*1\r\n$4\r\nPING\r\n");

        string replies = await SendThenHalfCloseAsync(transport, Encoding.ASCII.GetBytes(commands.ToString()));

        Assert.Equal(200, replies.Split("+OK\r\n").Length - 1);
        Assert.EndsWith("+PONG\r\n", replies, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("epoll")]
    [InlineData("io_uring")]
    [InlineData("kestrel")]
    public async Task Transport_ClientHalfClosesAfterTransaction_EveryReplyStillArrives(string transport)
    {
        // EXEC runs on a connection of its own once everything sent before it is answered; a client that has already
        // shut down its sending side (nc -N) must still get its reply, and the replies after it.
        string key = $"halfclose:{transport}:tx";
        byte[] commands =
        [
            .. RespTestClient.Encode("SET", key + ":before", "1"),
            .. RespTestClient.Encode("MULTI"),
            .. RespTestClient.Encode("SET", key, "in-tx"),
            .. RespTestClient.Encode("EXEC"),
            .. RespTestClient.Encode("GET", key),
        ];

        Assert.Equal("+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n$5\r\nin-tx\r\n", await SendThenHalfCloseAsync(transport, commands));
    }

    [Theory]
    [InlineData("epoll")]
    [InlineData("io_uring")]
    [InlineData("kestrel")]
    public async Task Transport_ClientHalfClosesWhileBlocked_BlockingCommandCutOffRestAnswered(string transport)
    {
        // BLPOP with no timeout, then a GET behind it, then the client shuts down its side: Redis drops a blocked
        // client at the end of its stream. Slotgate cuts the BLPOP off (an error, not a wait for ever), answers the
        // GET and closes, rather than holding the session and a node connection until someone pushes to the list.
        string key = $"halfclose:{transport}:blocked";
        byte[] commands = [.. RespTestClient.Encode("SET", key, "after"), .. RespTestClient.Encode("BLPOP", key + ":list", "0"), .. RespTestClient.Encode("GET", key)];

        // The pause: the BLPOP is waiting on its node by the time the client closes its side.
        string replies = await SendThenHalfCloseAsync(transport, commands, TimeSpan.FromMilliseconds(200));

        Assert.StartsWith("+OK\r\n-", replies, StringComparison.Ordinal);
        Assert.EndsWith("\r\n$5\r\nafter\r\n", replies, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("epoll")]
    [InlineData("io_uring")]
    public async Task EventLoops_ManyClientsPipelining_EachGetsItsOwnRepliesInOrder(string transport)
    {
        await using SlotgateServer server = await StartAsync(transport, eventLoops: 2);
        var clients = new List<Task>();
        for (int c = 0; c < 40; c++)
        {
            int id = c;
            clients.Add(Task.Run(async () =>
            {
                await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
                for (int round = 0; round < 5; round++)
                {
                    var batch = new List<byte>();
                    for (int i = 0; i < 50; i++)
                    {
                        batch.AddRange(RespTestClient.Encode("SET", $"loops:{id}:{i}", $"{id}-{round}-{i}"));
                        batch.AddRange(RespTestClient.Encode("GET", $"loops:{id}:{i}"));
                    }
                    await client.SendRawAsync(batch.ToArray());
                    for (int i = 0; i < 50; i++)
                    {
                        Assert.Equal("OK", (await client.ReadAsync()).Text);
                        Assert.Equal($"{id}-{round}-{i}", (await client.ReadAsync()).Text);
                    }
                }
            }));
        }
        await Task.WhenAll(clients);
    }

    [Theory]
    [InlineData("epoll")]
    [InlineData("io_uring")]
    public async Task EventLoops_ClientLeavesWithRepliesPending_ProxyKeepsServingOthers(string transport)
    {
        await using SlotgateServer server = await StartAsync(transport);
        for (int i = 0; i < 20; i++)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(server.Endpoints[0]);
            var burst = new List<byte>();
            for (int j = 0; j < 500; j++)
            {
                burst.AddRange(RespTestClient.Encode("INCR", $"leaver:{j % 7}"));
            }
            await socket.SendAsync(burst.ToArray());
            socket.LingerState = new LingerOption(true, 0); // close with a reset, replies unread
        }
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
        Assert.Equal(0, await WaitForClientsAsync(server, 1));
    }

    [Fact]
    public async Task EventLoops_PortAlreadyServed_SecondServerFailsToStart()
    {
        await using SlotgateServer first = await StartAsync("epoll");
        var options = new SlotgateOptions
        {
            Listen = [first.Endpoints[0].ToString()],
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Admin = new AdminOptions { Listen = "off" },
        };
        // Two proxies on one port would split the clients between them without a word.
        var error = await Assert.ThrowsAsync<SocketException>(() => SlotgateServer.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Warning)));
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }

    [Fact]
    public async Task EventLoops_LoopStuckAtShutdown_StopGoesOnWithoutThrowing()
    {
        SlotgateServer server = await StartAsync("epoll", eventLoops: 1);
        var loops = (Slotgate.Transport.EventLoopGroup)server.Services.GetService(typeof(Slotgate.Transport.EventLoopGroup))!;
        using var release = new ManualResetEventSlim();
        // Block the only loop past the 5 s the listener gives its loops to stop accepting.
        loops.CurrentOrNext().Post(_ => release.Wait(TimeSpan.FromSeconds(30)), null);
        Task stop = server.DisposeAsync().AsTask();
        await Task.Delay(TimeSpan.FromSeconds(6));
        release.Set();
        await stop.WaitAsync(TimeSpan.FromSeconds(30)); // would throw TimeoutException when the wait was not caught
    }

    [Fact]
    public void IoOptions_UnknownTransport_RefusedByValidation()
    {
        var errors = SlotgateConfiguration.Validate(new SlotgateOptions
        {
            Cluster = new ClusterOptions { Seeds = ["127.0.0.1:7000"] },
            Io = new IoOptions { Transport = "uring", EventLoops = -1 },
        });
        Assert.Contains("io.transport: must be one of auto, io_uring, epoll, kestrel, got 'uring'", errors);
        Assert.Contains("io.eventLoops: must be between 0 (one per two cores) and 256, got -1", errors);
    }

    /// <summary>Waits until only <paramref name="expected"/> clients remain connected; returns how many others are left.</summary>
    private static async Task<int> WaitForClientsAsync(SlotgateServer server, int expected)
    {
        var registry = server.Services.GetService(typeof(Slotgate.Proxy.CommandDispatcher)) as Slotgate.Proxy.CommandDispatcher;
        for (int i = 0; i < 100; i++)
        {
            int count = registry!.Clients.Count;
            if (count <= expected)
            {
                return 0;
            }
            await Task.Delay(50);
        }
        return registry!.Clients.Count - expected;
    }
}
