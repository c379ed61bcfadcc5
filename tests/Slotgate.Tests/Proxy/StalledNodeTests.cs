using System.Diagnostics;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// A node that keeps its connections open but stops answering (a real redis-server frozen with SIGSTOP): its commands
/// time out with a clear error after the operation timeout, other shards and other clients are not held up, and the
/// node is used again once it answers.
/// </summary>
public class StalledNodeTests
{
    [Fact]
    public async Task StalledPrimary_OperationTimeout_FailsOnlyItsCommandsThenRecovers()
    {
        // A long node timeout, so the cluster does not fail the frozen node over during the test.
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { NodeTimeout = TimeSpan.FromSeconds(30) });
        await using var server = await ProxyFixture.StartProxyAsync(cluster, options => options with
        {
            Cluster = options.Cluster with { Seeds = ["localhost:" + cluster.Nodes[0].Port] },
            Backend = options.Backend with { OperationTimeout = TimeSpan.FromSeconds(1) },
        });
        await using var stalledClient = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await using var otherClient = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        LocalRedisNode frozen = cluster.Primaries[0];
        string frozenKey = TestKeys.OwnedBy(server, frozen.Endpoint, "stall");
        string healthyKey = TestKeys.OwnedBy(server, cluster.Primaries[1].Endpoint, "stall");
        Assert.Equal("OK", (await stalledClient.CallAsync("SET", frozenKey, "before")).Text);
        Assert.Equal("OK", (await otherClient.CallAsync("SET", healthyKey, "fine")).Text);

        frozen.Pause();
        try
        {
            var watch = Stopwatch.StartNew();
            await stalledClient.SendAsync("GET", frozenKey);

            // While the frozen node holds that command, another client is served at full speed.
            for (int i = 0; i < 10; i++)
            {
                var each = Stopwatch.StartNew();
                Assert.Equal("fine", (await otherClient.CallAsync("GET", healthyKey)).Text);
                Assert.True(each.Elapsed < TimeSpan.FromMilliseconds(900), $"healthy shard took {each.Elapsed}");
            }

            RespValue timedOut = await stalledClient.ReadAsync(TimeSpan.FromSeconds(10));
            Assert.True(timedOut.IsError, timedOut.ToString());
            Assert.Contains("timeout", timedOut.Text, StringComparison.Ordinal);
            Assert.Contains(frozen.Endpoint, timedOut.Text, StringComparison.Ordinal);
            Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));

            // The client's connection is still usable for other shards.
            Assert.Equal("fine", (await stalledClient.CallAsync("GET", healthyKey)).Text);
        }
        finally
        {
            frozen.Resume();
        }

        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        RespValue after;
        do
        {
            after = await stalledClient.CallAsync("GET", frozenKey);
        }
        while (after.IsError && DateTime.UtcNow < deadline && await Delay());
        Assert.Equal("before", after.Text);
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(100);
        return true;
    }
}
