using System.Net;

namespace Slotgate.Tests.Proxy;

/// <summary>Stopping Slotgate answers every command already received before closing client connections.</summary>
public class ShutdownTests
{
    [Fact]
    public async Task Stop_CommandsInFlight_AreAnsweredBeforeClose()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        var server = await ProxyFixture.StartProxyAsync(cluster);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("SET", "drain:key", "kept")).Text);

        // A script that keeps its node busy for a while, then a read queued behind it.
        const string slowScript = "local i = 0 while i < 20000000 do i = i + 1 end return 'slow done'";
        await client.SendRawAsync([.. RespTestClient.Encode("EVAL", slowScript, "1", "drain:key"), .. RespTestClient.Encode("GET", "drain:key")]);
        await Task.Delay(100);
        Task stopping = server.DisposeAsync().AsTask();

        RespValue slow = await client.ReadAsync(TimeSpan.FromSeconds(20));
        RespValue get = await client.ReadAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("slow done", slow.Text);
        Assert.Equal("kept", get.Text);
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(15)));
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Stop_CommandOutlastsDrainTimeout_ConnectionClosedAtTimeout()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        var server = await ProxyFixture.StartProxyAsync(cluster, o => o with { Shutdown = new() { DrainTimeout = TimeSpan.FromMilliseconds(300) } });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("SET", "drain:slow", "x")).Text);
        bool drainingSeen = false;
        using CancellationTokenRegistration seen = server.Draining.Register(() => drainingSeen = true);

        // A script that holds its node for about 3 s, far longer than the drain timeout.
        const string slowScript =
            "local s = redis.call('TIME') local t0 = s[1] * 1000000 + s[2] " +
            "while true do local n = redis.call('TIME') if n[1] * 1000000 + n[2] - t0 > 3000000 then break end end return 'done'";
        await client.SendAsync("EVAL", slowScript, "1", "drain:slow");
        await Task.Delay(200);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Task stopping = server.DisposeAsync().AsTask();

        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(2.5)), "not closed at the drain timeout");
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(drainingSeen);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2.5), $"stop took {watch.Elapsed}");
    }

    /// <summary>
    /// shutdown.drainDelay: after the stop signal, /readyz answers 503 at once while existing and new clients are still
    /// served for the delay; then the drain closes the connections.
    /// </summary>
    [Theory]
    [InlineData(IoOptions.Epoll, false)]
    [InlineData(IoOptions.Kestrel, false)]
    [InlineData(IoOptions.Epoll, true)]
    public async Task Stop_DrainDelay_NotReadyButServingThenDrains(string transport, bool asOnSigterm)
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        var server = await ProxyFixture.StartProxyAsync(cluster, o => o with
        {
            Io = new IoOptions { Transport = transport },
            Shutdown = new ShutdownOptions { DrainDelay = TimeSpan.FromSeconds(2), DrainTimeout = TimeSpan.FromSeconds(5) },
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("SET", "delay:key", "kept")).Text);
        using HttpClient http = AdminClient.For(server.AdminEndpoint!);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("readyz")).StatusCode);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        // SIGTERM (the host's console lifetime) signals ApplicationStopping first and then stops the host; a direct
        // stop runs the host's stopping phase first. The delay must hold either way.
        Task stopping = asOnSigterm ? StopAsOnSigtermAsync(server) : server.DisposeAsync().AsTask();
        await Task.Delay(200);
        using HttpResponseMessage readyz = await http.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
        Assert.Contains("draining", await readyz.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Still serving: a command on an open connection, and a new connection.
        Assert.Equal("kept", (await client.CallAsync("GET", "delay:key")).Text);
        await using var late = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("kept", (await late.CallAsync("GET", "delay:key")).Text);
        Assert.False(stopping.IsCompleted);

        // Then the drain: idle connections close, and the server stops.
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(8)), "not closed by the drain");
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.8), $"closed after {watch.Elapsed}, before the delay was over");
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task StopAsOnSigtermAsync(Slotgate.Hosting.SlotgateServer server)
    {
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>(server.Services).StopApplication();
        await server.WaitForShutdownAsync();
        await server.DisposeAsync();
    }
}
