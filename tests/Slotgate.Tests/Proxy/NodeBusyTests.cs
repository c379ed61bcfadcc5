using System.Diagnostics;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// A real redis-server running a script past busy-reply-threshold answers -BUSY to everything else. The command did
/// not run, so Slotgate retries it like TRYAGAIN within routing.maxRedirects: a short script is invisible to clients,
/// a long one ends in Redis's own BUSY error; other shards are never held up.
/// </summary>
public class NodeBusyTests
{
    [Fact]
    public async Task Get_NodeBusyWithScript_RetriedWithinBudgetThenBusyPassedThrough()
    {
        // No replicas: a node busy in a script stops answering the cluster bus, and must not be failed over meanwhile.
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        LocalRedisNode busy = cluster.Primaries[0];
        Assert.Equal("OK", (await busy.SendAsync(["CONFIG", "SET", "busy-reply-threshold", "100"])).Text);

        // Budget 50+100+200+400+800 ms: longer than the 0.8 s script below.
        await using (var patient = await ProxyFixture.StartProxyAsync(cluster, o => o with { Routing = o.Routing with { TryAgainDelay = TimeSpan.FromMilliseconds(50) } }))
        {
            await using var client = await RespTestClient.ConnectAsync(patient.Endpoints[0]);
            await using var other = await RespTestClient.ConnectAsync(patient.Endpoints[0]);
            string busyKey = TestKeys.OwnedBy(patient, busy.Endpoint, "busy");
            string healthyKey = TestKeys.OwnedBy(patient, cluster.Primaries[1].Endpoint, "busy");
            Assert.Equal("OK", (await client.CallAsync("SET", busyKey, "kept")).Text);
            Assert.Equal("OK", (await other.CallAsync("SET", healthyKey, "fine")).Text);

            Task<RespValue> script = busy.SendAsync(["EVAL", SpinScript(800), "0"]);
            await Task.Delay(300);
            await client.SendAsync("GET", busyKey);
            var each = Stopwatch.StartNew();
            Assert.Equal("fine", (await other.CallAsync("GET", healthyKey)).Text);
            Assert.True(each.Elapsed < TimeSpan.FromMilliseconds(300), $"healthy shard took {each.Elapsed}");
            Assert.Equal("kept", (await client.ReadAsync()).Text);
            Assert.Equal("done", (await script).Text);
        }

        // Budget 10+20 ms: far shorter than the script, so the client gets Redis's BUSY and can act on it.
        await using (var impatient = await ProxyFixture.StartProxyAsync(cluster, o => o with
        {
            Routing = o.Routing with { TryAgainDelay = TimeSpan.FromMilliseconds(10), MaxRedirects = 2 },
        }))
        {
            await using var client = await RespTestClient.ConnectAsync(impatient.Endpoints[0]);
            string busyKey = TestKeys.OwnedBy(impatient, busy.Endpoint, "busy");
            Task<RespValue> script = busy.SendAsync(["EVAL", SpinScript(5000), "0"]);
            try
            {
                await Task.Delay(300);
                RespValue refused = await client.CallAsync("GET", busyKey);
                Assert.True(refused.IsError, refused.ToString());
                Assert.StartsWith("BUSY ", refused.Text, StringComparison.Ordinal);
            }
            finally
            {
                await busy.SendAsync(["SCRIPT", "KILL"]);
            }
            await Assert.ThrowsAsync<RedisErrorReplyException>(() => script);
            Assert.Equal("kept", (await client.CallAsync("GET", busyKey)).Text);
        }
    }

    /// <summary>A read-only script that keeps its node busy for <paramref name="milliseconds"/> (killable by SCRIPT KILL).</summary>
    private static string SpinScript(int milliseconds) =>
        "local s = redis.call('TIME') local t0 = s[1] * 1000000 + s[2] " +
        $"while true do local n = redis.call('TIME') if n[1] * 1000000 + n[2] - t0 > {milliseconds * 1000} then break end end return 'done'";
}
