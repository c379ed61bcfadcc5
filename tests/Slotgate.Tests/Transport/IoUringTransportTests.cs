using Microsoft.Extensions.Logging;
using Slotgate.Transport;

namespace Slotgate.Tests.Transport;

/// <summary>
/// io.transport: io_uring against the real cluster: the proxy serves through it, says in INFO what it runs on, and
/// falls back to the epoll loops when the process may not use io_uring. The transport's edges (partial sends,
/// half-close, backpressure, clients leaving) are covered beside epoll's in <see cref="EventLoopTransportTests"/>.
/// </summary>
[Collection(ProxyCollection.Name)]
public class IoUringTransportTests(ProxyFixture fixture)
{
    private Task<SlotgateServer> StartAsync(int eventLoops = 1) =>
        SlotgateServer.StartAsync(new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Admin = new AdminOptions { Listen = "off" },
            Io = new IoOptions { Transport = IoOptions.IoUring, EventLoops = eventLoops },
        }, logging => logging.SetMinimumLevel(LogLevel.Warning));

    private static async Task<string> InfoLineAsync(RespTestClient client, string field)
    {
        string info = (await client.CallAsync("INFO", "proxy")).Text!;
        string line = info.Split("\r\n").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line[(field.Length + 1)..];
    }

    [Fact]
    public async Task IoUring_SetGetMget_ServedThroughTheRing()
    {
        Assert.True(IoRing.Probe(out string reason), reason); // this machine allows io_uring; the fallback is tested below
        await using SlotgateServer server = await StartAsync(eventLoops: 2);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        Assert.Equal("io_uring", await InfoLineAsync(client, "io_transport"));
        var keys = new List<string> { "MGET" };
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("OK", (await client.CallAsync("SET", $"uring:{{{i}}}:k", $"v{i}")).Text);
            Assert.Equal($"v{i}", (await client.CallAsync("GET", $"uring:{{{i}}}:k")).Text);
            keys.Add($"uring:{{{i}}}:k");
        }
        keys.Add("uring:missing");
        RespValue mget = await client.CallAsync([.. keys]);
        Assert.Equal(21, mget.Items!.Count);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal($"v{i}", mget.Items[i].Text);
        }
        Assert.True(mget.Items[20].IsNull);
    }

    [Fact]
    public async Task IoUring_ProbeRefused_FallsBackToEpollAndSaysWhy()
    {
        // As a seccomp profile that refuses io_uring_setup would: the loops start on epoll and INFO says why.
        Environment.SetEnvironmentVariable(IoRing.DisableVariable, "off");
        SlotgateServer server;
        try
        {
            server = await StartAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable(IoRing.DisableVariable, null);
        }
        await using (server)
        {
            var loops = (EventLoopGroup)server.Services.GetService(typeof(EventLoopGroup))!;
            Assert.False(loops.UsesRing);
            await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
            Assert.Equal("epoll", await InfoLineAsync(client, "io_transport"));
            Assert.Contains(IoRing.DisableVariable, await InfoLineAsync(client, "io_transport_reason"), StringComparison.Ordinal);
            Assert.Equal("OK", (await client.CallAsync("SET", "uring:fallback", "1")).Text);
            Assert.Equal("1", (await client.CallAsync("GET", "uring:fallback")).Text);
        }
    }

    [Fact]
    public async Task IoUring_ClientStopsReading_ProxyPausesThenDeliversEverything()
    {
        // A client that sends far more than the input pipe holds while reading nothing: the receive is cancelled when
        // the session falls behind and armed again when it catches up, and no reply is lost or reordered.
        await using SlotgateServer server = await StartAsync();
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(server.Endpoints[0]);
        const int Count = 20000;
        string value = new('x', 200);
        var batch = new List<byte>();
        for (int i = 0; i < Count; i++)
        {
            batch.AddRange(RespTestClient.Encode("SET", "uring:pressure", value));
        }
        batch.AddRange(RespTestClient.Encode("PING"));
        Task send = socket.SendAsync(batch.ToArray());
        await Task.Delay(500); // the proxy's replies fill the socket while the client is not reading
        string expected = string.Concat(Enumerable.Repeat("+OK\r\n", Count)) + "+PONG\r\n";
        byte[] received = new byte[expected.Length];
        int total = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (total < received.Length)
        {
            int read = await socket.ReceiveAsync(received.AsMemory(total), System.Net.Sockets.SocketFlags.None, timeout.Token);
            Assert.True(read > 0, $"closed after {total} bytes");
            total += read;
        }
        await send;
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(received));
    }

    [Fact]
    public async Task IoUring_ServerDisposedWithClientsConnected_ClientsSeeTheClose()
    {
        SlotgateServer server = await StartAsync();
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
        await server.DisposeAsync();
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task DefaultTransport_IoUringAllowed_LoopsRunOnTheRing()
    {
        // io.transport defaults to auto: io_uring where the process may use it, which this machine allows.
        Assert.True(IoRing.Probe(out string reason), reason);
        Assert.Equal(IoOptions.Auto, new IoOptions().Transport);
        await using SlotgateServer server = await SlotgateServer.StartAsync(new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Admin = new AdminOptions { Listen = "off" },
        }, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("io_uring", await InfoLineAsync(client, "io_transport"));
    }

    [Fact]
    public async Task DefaultTransport_IoUringRefused_FallsBackToEpollQuietly()
    {
        var logs = new LogCollector("Slotgate.EventLoop");
        Environment.SetEnvironmentVariable(IoRing.DisableVariable, "off");
        SlotgateServer server;
        try
        {
            server = await SlotgateServer.StartAsync(new SlotgateOptions
            {
                Listen = ["127.0.0.1:0"],
                Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
                Admin = new AdminOptions { Listen = "off" },
            }, logging => logging.SetMinimumLevel(LogLevel.Information).AddProvider(logs));
        }
        finally
        {
            Environment.SetEnvironmentVariable(IoRing.DisableVariable, null);
        }
        await using (server)
        {
            await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
            Assert.Equal("epoll", await InfoLineAsync(client, "io_transport"));
            Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
            // Not asked for by name, so the fallback is news, not a problem: information, not a warning.
            Assert.Contains(logs.Lines, line => line.Contains("io_uring is not available", StringComparison.Ordinal));
            Assert.DoesNotContain(logs.Lines, line => line.Contains("asked for but not available", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task RingAccept_ManyShortConnectionsOnTwoLoops_EachServedWithItsPeerAddress()
    {
        // Clients accepted by the kernel on the ring (no accept4): every one is served, and the address the accept
        // reported is the client's own, as CLIENT INFO shows it.
        await using SlotgateServer server = await StartAsync(eventLoops: 2);
        for (int i = 0; i < 200; i++)
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(server.Endpoints[0]);
            await socket.SendAsync(RespTestClient.Encode("SET", $"uring:accept:{i}", "v"));
            await socket.SendAsync(RespTestClient.Encode("CLIENT", "INFO"));
            string replies = await ReadStatusThenBulkAsync(socket);
            Assert.StartsWith("+OK\r\n$", replies, StringComparison.Ordinal);
            Assert.Contains($" addr=127.0.0.1:{((System.Net.IPEndPoint)socket.LocalEndPoint!).Port} ", replies, StringComparison.Ordinal);
        }
    }

    /// <summary>Reads a status reply and then a bulk string from <paramref name="socket"/>, both whole, as text.</summary>
    private static async Task<string> ReadStatusThenBulkAsync(System.Net.Sockets.Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        // Done when the bulk string's declared length has arrived.
        while (true)
        {
            int read = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, timeout.Token);
            Assert.True(read > 0, "closed early");
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            string all = text.ToString();
            int dollar = all.IndexOf('$', StringComparison.Ordinal);
            if (dollar > 0 && all.IndexOf("\r\n", dollar, StringComparison.Ordinal) is int header and > 0)
            {
                int length = int.Parse(all.AsSpan(dollar + 1, header - dollar - 1), System.Globalization.CultureInfo.InvariantCulture);
                if (all.Length >= header + 2 + length + 2)
                {
                    return all;
                }
            }
        }
    }

    [Fact]
    public async Task RingAccept_ServerStopped_ListenerRefusesNewClients()
    {
        // An accept in flight on a ring holds the listening socket open in the kernel until it is cancelled: once the
        // server has stopped, a client must be refused, not accepted into a connection nobody serves.
        SlotgateServer server = await StartAsync(eventLoops: 2);
        System.Net.IPEndPoint endpoint = server.Endpoints[0];
        await using (var client = await RespTestClient.ConnectAsync(endpoint))
        {
            Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
        }
        await server.DisposeAsync();
        using var late = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(async () => await late.ConnectAsync(endpoint));
        Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
