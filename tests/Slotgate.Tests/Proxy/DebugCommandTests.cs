using System.Diagnostics;
using System.Globalization;
using Slotgate.Demo;
using Slotgate.Hosting;
using Slotgate.Protocol;
using Slotgate.Tests.Support;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// DEBUG through Slotgate in front of a cluster whose nodes allow it (enable-debug-command local, set by a launcher
/// script): a key's subcommands reach its primary, DEBUG DIGEST equals a single Redis's holding the same keys, and the
/// whole-node subcommands are refused unless routing.allowDebug is set.
/// </summary>
public sealed class DebugCommandTests : IAsyncLifetime
{
    private readonly string _launcher = Path.Combine(Path.GetTempPath(), "slotgate-debug-redis-" + Guid.NewGuid().ToString("N")[..8] + ".sh");
    private LocalRedisCluster? _cluster;

    public async Task InitializeAsync()
    {
        string server = RedisServerLocator.Locate(null);
        await File.WriteAllTextAsync(_launcher, $"#!/bin/sh\nexec \"{server}\" \"$@\" --enable-debug-command local\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        _cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0, RedisServerPath = _launcher });
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
        File.Delete(_launcher);
    }

    [Fact]
    public async Task DebugObject_Key_AnsweredByItsPrimary()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(_cluster!);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        LocalRedisNode primary = _cluster!.Primaries[1];
        string key = TestKeys.OwnedBy(server, primary.Endpoint, "debugobj");
        await client.CallAsync("RPUSH", key, "a", "b");

        RespValue reply = await client.CallAsync("DEBUG", "OBJECT", key);
        RespValue digests = await client.CallAsync("DEBUG", "DIGEST-VALUE", key);
        RespValue protocol = await client.CallAsync("DEBUG", "PROTOCOL", "integer");

        string own = (await primary.SendAsync(["DEBUG", "OBJECT", key])).Text!;
        string text = reply.Text!;
        Assert.StartsWith("Value at:", text, StringComparison.Ordinal);
        // The same object: all but the address and the idle time agree.
        Assert.Equal(own[own.IndexOf(" refcount", StringComparison.Ordinal)..own.IndexOf(" lru:", StringComparison.Ordinal)],
            text[text.IndexOf(" refcount", StringComparison.Ordinal)..text.IndexOf(" lru:", StringComparison.Ordinal)]);
        Assert.Equal(40, Assert.Single(digests.ItemsOrEmpty).Text!.Length);
        Assert.Equal(12345, protocol.Integer);
        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot", (await client.CallAsync("DEBUG", "DIGEST-VALUE", "{a}1", "{b}2")).Text);
    }

    [Fact]
    public async Task Copy_ListAndInteger_DetailsAsRedisKeyspaceTestsCheckThem()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(_cluster!);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await client.CallAsync("DEL", "mylist{t}", "mynewlist{t}", "intkey{t}", "newintkey{t}");
        await client.CallAsync("LPUSH", "mylist{t}", "a", "b", "c");

        Assert.Equal(1, (await client.CallAsync("COPY", "mylist{t}", "mynewlist{t}")).Integer);
        string digest = (await client.CallAsync("DEBUG", "DIGEST-VALUE", "mylist{t}")).ItemsOrEmpty[0].Text!;
        Assert.Equal(digest, (await client.CallAsync("DEBUG", "DIGEST-VALUE", "mynewlist{t}")).ItemsOrEmpty[0].Text);
        Assert.Equal(1, (await client.CallAsync("OBJECT", "REFCOUNT", "mynewlist{t}")).Integer);
        Assert.Equal("quicklist", (await client.CallAsync("OBJECT", "ENCODING", "mynewlist{t}")).Text); // Redis 7.0's list encoding
        await client.CallAsync("SET", "intkey{t}", "1");
        await client.CallAsync("COPY", "intkey{t}", "newintkey{t}");
        Assert.Equal("int", (await client.CallAsync("OBJECT", "ENCODING", "newintkey{t}")).Text);
        Assert.Contains(" encoding:int ", (await client.CallAsync("DEBUG", "OBJECT", "newintkey{t}")).Text, StringComparison.Ordinal);
        Assert.StartsWith("ERR", (await client.CallAsync("COPY", "mylist{t}", "other{t}", "DB", "notanumber")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DebugDigest_KeysOnEveryPrimary_SameAsOneRedisWithTheSameKeys()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(_cluster!);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await client.CallAsync("FLUSHALL");
        Assert.Equal(new string('0', 40), (await client.CallAsync("DEBUG", "DIGEST")).Text);
        using Process single = StartSingleRedis(out int port);
        try
        {
            await using var reference = await RespTestClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
            foreach (int keys in new[] { 1, 2, 9 })
            {
                foreach (RespTestClient each in new[] { client, reference })
                {
                    await each.CallAsync("FLUSHALL");
                    for (int i = 0; i < keys; i++)
                    {
                        await each.CallAsync("SET", "digest:" + i.ToString(CultureInfo.InvariantCulture), "v" + i.ToString(CultureInfo.InvariantCulture));
                    }
                    await each.CallAsync("HSET", "digest:hash", "f", "1");
                }

                RespValue merged = await client.CallAsync("DEBUG", "DIGEST");

                Assert.Equal((await reference.CallAsync("DEBUG", "DIGEST")).Text, merged.Text);
            }
        }
        finally
        {
            single.Kill();
        }
    }

    [Fact]
    public async Task DebugSleep_Default_RefusedNamingTheOption_AllowedOnEveryPrimaryWhenSet()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(_cluster!);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        RespValue refused = await client.CallAsync("DEBUG", "sleep", "0");

        Assert.True(refused.IsError);
        Assert.StartsWith("ERR Slotgate: DEBUG SLEEP acts on whole nodes", refused.Text, StringComparison.Ordinal);
        Assert.Contains("routing.allowDebug", refused.Text, StringComparison.Ordinal);
        await using SlotgateServer allowing = await ProxyFixture.StartProxyAsync(_cluster!, o => o with { Routing = o.Routing with { AllowDebug = true } });
        await using var admin = await RespTestClient.ConnectAsync(allowing.Endpoints[0]);
        Assert.Equal("OK", (await admin.CallAsync("DEBUG", "SET-ACTIVE-EXPIRE", "0")).Text);
        foreach (LocalRedisNode primary in _cluster!.Primaries)
        {
            Assert.Equal("OK", (await primary.SendAsync(["DEBUG", "SET-ACTIVE-EXPIRE", "1"])).Text);
        }
        Assert.Equal("OK", (await admin.CallAsync("DEBUG", "SLEEP", "0")).Text);
    }

    /// <summary>A standalone redis-server allowing DEBUG, on a free port, as the reference single Redis.</summary>
    private static Process StartSingleRedis(out int port)
    {
        port = FreePort.Next();
        var start = new ProcessStartInfo(RedisServerLocator.Locate(null)) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (string arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--enable-debug-command", "local" })
        {
            start.ArgumentList.Add(arg);
        }
        Process process = Process.Start(start)!;
        process.OutputDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        for (int attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient("127.0.0.1", port);
                return process;
            }
            catch (System.Net.Sockets.SocketException)
            {
                Thread.Sleep(50);
            }
        }
        return process;
    }
}
