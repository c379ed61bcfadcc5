using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Proxy;
using Slotgate.Tests.Commands;
using Slotgate.Tests.Support;

namespace Slotgate.Tests.Proxy;

/// <summary>MONITOR: the lines Redis prints, for every command clients send through Slotgate.</summary>
[Collection(ProxyCollection.Name)]
public class MonitorTests(ProxyFixture fixture)
{
    [Fact]
    public void Format_BinaryArgument_EscapedAsRedisServer()
    {
        // The line a Redis 7.0 server printed for this command, after its address.
        var line = new ArrayBufferWriter<byte>();
        RequestFrame frame = TestFrames.Create("SET", "k\"e\\y", "a\0\u0001\n\r\t\u007f\u00ff\u0007\b b");
        MonitorFeed.Format(line, DateTimeOffset.FromUnixTimeMilliseconds(1_339_518_083_107), "127.0.0.1:60866", frame, LocalCommand.None);
        Assert.Equal("+1339518083.107000 [0 127.0.0.1:60866] \"SET\" \"k\\\"e\\\\y\" \"a\\x00\\x01\\n\\r\\t\\x7f\\xc3\\xbf\\a\\b b\"\r\n",
            Encoding.ASCII.GetString(line.WrittenSpan));
    }

    [Fact]
    public void Feed_NobodyMonitors_AllocatesNothing()
    {
        var feed = new MonitorFeed();
        RequestFrame frame = TestFrames.Create("GET", "k");
        CommandInfo command = CommandTable.BuiltIn.Find(frame)!;
        int active = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            if (feed.Active)
            {
                active++;
            }
            feed.Feed(null!, frame, command);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, active);
    }

    [Fact]
    public async Task Monitor_OtherClientSetGet_LinesInRedisFormat()
    {
        await using RespTestClient monitor = await MonitorAsync(fixture.Endpoint);
        await using var client = await fixture.ConnectRawAsync();
        string address = Address((await client.CallAsync("CLIENT", "INFO")).Text!);
        Assert.Equal("OK", (await client.CallAsync("SET", "monitor:format", "say \"hi\"")).Text);
        Assert.Equal("say \"hi\"", (await client.CallAsync("get", "monitor:format")).Text);

        string set = await NextLineAsync(monitor, "monitor:format");
        string get = await NextLineAsync(monitor, "monitor:format");
        string at = Regex.Escape(address);
        Assert.Matches(new Regex($"^\\+\\d{{10}}\\.\\d{{6}} \\[0 {at}\\] \"SET\" \"monitor:format\" \"say \\\\\"hi\\\\\"\"\r\n$"), set);
        Assert.Matches(new Regex($"^\\+\\d{{10}}\\.\\d{{6}} \\[0 {at}\\] \"get\" \"monitor:format\"\r\n$"), get);
    }

    [Fact]
    public async Task Monitor_BinaryArguments_SameBytesAsRedisServer()
    {
        int slot = Slotgate.Cluster.HashSlot.Of("{monitor:bin}"u8);
        string owner = fixture.Server.Topology.Current.GetShard(slot)!.Primary.Endpoint;
        await using RespTestClient nodeMonitor = await MonitorAsync(IPEndPoint.Parse(owner));
        await using RespTestClient monitor = await MonitorAsync(fixture.Endpoint);

        byte[] value = new byte[256];
        for (int i = 0; i < value.Length; i++)
        {
            value[i] = (byte)i;
        }
        await using var client = await fixture.ConnectRawAsync();
        byte[] key = [.. "{monitor:bin}\"q\\ \r\n"u8];
        await client.SendRawAsync((byte[])[.. "*3\r\n$3\r\nSET\r\n"u8, .. Encoding.ASCII.GetBytes($"${key.Length}\r\n"), .. key,
            .. Encoding.ASCII.GetBytes($"\r\n${value.Length}\r\n"), .. value, .. "\r\n"u8]);
        Assert.Equal("OK", (await client.ReadAsync()).Text);

        string ours = await NextLineAsync(monitor, "{monitor:bin}");
        string redis = await NextLineAsync(nodeMonitor, "{monitor:bin}");
        Assert.Equal(redis[redis.IndexOf("] ", StringComparison.Ordinal)..], ours[ours.IndexOf("] ", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task Monitor_AuthHelloAdminAndRejected_AsRedisShowsThem()
    {
        await using RespTestClient monitor = await MonitorAsync(fixture.Endpoint);
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("AUTH", "monitor:secret");
        await client.CallAsync("HELLO", "2", "AUTH", "default", "monitor:secret");
        Assert.False((await client.CallAsync("CONFIG", "GET", "maxmemory")).IsError);
        Assert.True((await client.CallAsync("NOSUCHCOMMAND", "monitor:hidden")).IsError);
        Assert.True((await client.CallAsync("GET")).IsError);
        Assert.Equal("1", (await client.CallAsync("EVAL", "return 1", "0")).ToString());
        Assert.Equal("monitor:end", (await client.CallAsync("ECHO", "monitor:end")).Text);

        var lines = new List<string>();
        while (lines.Count == 0 || !lines[^1].Contains("monitor:end", StringComparison.Ordinal))
        {
            lines.Add(Encoding.Latin1.GetString(await monitor.ReadRawAsync()));
        }
        string[] shown = [.. lines.Select(l => l[(l.IndexOf("] ", StringComparison.Ordinal) + 2)..])];
        Assert.Equal(["\"AUTH\" \"(redacted)\"\r\n", "\"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n", "\"EVAL\" \"return 1\" \"0\"\r\n", "\"ECHO\" \"monitor:end\"\r\n"], shown);
    }

    [Fact]
    public async Task Monitor_KeyspaceCommandsInMonitorMode_RefusedUntilReset()
    {
        await using RespTestClient monitor = await MonitorAsync(fixture.Endpoint);
        Assert.Equal("ERR Replica can't interact with the keyspace", (await monitor.CallAsync("GET", "monitor:mode")).Text);
        Assert.Equal("PONG", (await monitor.CallAsync("PING")).Text);
        Assert.EndsWith("\"PING\"\r\n", Encoding.Latin1.GetString(await monitor.ReadRawAsync()), StringComparison.Ordinal);
        // MONITOR again is left unanswered, as Redis does: the next reply is the ECHO's.
        await monitor.SendAsync("MONITOR");
        Assert.Equal("monitor:again", (await monitor.CallAsync("ECHO", "monitor:again")).Text);
        Assert.EndsWith("\"ECHO\" \"monitor:again\"\r\n", Encoding.Latin1.GetString(await monitor.ReadRawAsync()), StringComparison.Ordinal);
        Assert.Equal("RESET", (await monitor.CallAsync("RESET")).Text);
        Assert.True((await monitor.CallAsync("GET", "monitor:mode")).IsNull);
        MonitorFeed feed = Dispatcher(fixture.Server.Services).Monitors;
        await Wait.UntilAsync(() => feed.Count == 0, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Monitor_NeverReads_ClosedAtLimitOthersServed()
    {
        const long limit = 256 * 1024;
        await using var server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with { Limits = o.Limits with { PubSubOutputBufferLimit = limit } });
        MonitorFeed feed = Dispatcher(server.Services).Monitors;
        // A monitor with a tiny receive buffer that reads its +OK and then nothing more.
        using var silent = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await silent.ConnectAsync(server.Endpoints[0]);
        await silent.SendAsync("MONITOR\r\n"u8.ToArray());
        Assert.Equal(5, await silent.ReceiveAsync(new byte[5]));
        Assert.Equal(1, feed.Count);

        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        string value = new('x', 16 * 1024);
        for (int i = 0; i < 1000 && feed.Count > 0; i++)
        {
            Assert.Equal("OK", (await client.CallAsync("SET", "monitor:flood", value)).Text);
        }
        await Wait.UntilAsync(() => feed.Count == 0 && !Dispatcher(server.Services).Clients.All().Any(c => c.Monitoring), TimeSpan.FromSeconds(10));
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task RedisCliMonitor_OtherClientSet_PrintsRedisLine()
    {
        var start = new System.Diagnostics.ProcessStartInfo("redis-cli", ["-h", "127.0.0.1", "-p", fixture.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "MONITOR"])
        {
            RedirectStandardOutput = true,
        };
        using System.Diagnostics.Process cli = System.Diagnostics.Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            Assert.Equal("OK", await cli.StandardOutput.ReadLineAsync(timeout.Token));
            await using var client = await fixture.ConnectRawAsync();
            Assert.Equal("OK", (await client.CallAsync("SET", "monitor:cli", "v")).Text);
            string? line;
            do
            {
                line = await cli.StandardOutput.ReadLineAsync(timeout.Token);
            }
            while (line is not null && !line.Contains("monitor:cli", StringComparison.Ordinal));
            Assert.Matches(new Regex("^\\d+\\.\\d{6} \\[0 127\\.0\\.0\\.1:\\d+\\] \"SET\" \"monitor:cli\" \"v\"$"), line);
        }
        finally
        {
            cli.Kill();
            await cli.WaitForExitAsync();
        }
    }

    /// <summary>A client connected to <paramref name="endpoint"/> that has entered MONITOR mode.</summary>
    private static async Task<RespTestClient> MonitorAsync(IPEndPoint endpoint)
    {
        RespTestClient monitor = await RespTestClient.ConnectAsync(endpoint);
        Assert.Equal("OK", (await monitor.CallAsync("MONITOR")).Text);
        return monitor;
    }

    private static CommandDispatcher Dispatcher(IServiceProvider services) => services.GetRequiredService<CommandDispatcher>();

    private static string Address(string clientInfo) =>
        clientInfo.Split(' ').Single(field => field.StartsWith("addr=", StringComparison.Ordinal))["addr=".Length..];

    /// <summary>The next monitor line that mentions <paramref name="marker"/> (other clients may run commands meanwhile).</summary>
    private static async Task<string> NextLineAsync(RespTestClient monitor, string marker)
    {
        while (true)
        {
            string line = Encoding.Latin1.GetString(await monitor.ReadRawAsync());
            Assert.StartsWith("+", line, StringComparison.Ordinal);
            if (line.Contains(marker, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }
}
