using System.Diagnostics;

namespace Slotgate.Tests.Proxy;

/// <summary>A killed primary fails only its own shard's commands, fast, and the shard recovers after failover.</summary>
public class NodeFailureTests
{
    [Fact]
    public async Task KilledPrimary_OtherShardsUnaffected_OwnShardFailsFastThenRecovers()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        await using var server = await ProxyFixture.StartProxyAsync(cluster);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        LocalRedisNode victim = cluster.Primaries[0];
        string victimKey = TestKeys.OwnedBy(server, victim.Endpoint, "dead");
        string otherKey = TestKeys.OwnedBy(server, cluster.Primaries[1].Endpoint, "alive");
        Assert.Equal("OK", (await client.CallAsync("SET", victimKey, "kept")).Text);
        Assert.Equal("OK", (await client.CallAsync("SET", otherKey, "fine")).Text);
        await cluster.ExecuteAsync(victim, "WAIT", "1", "2000");

        await victim.StopAsync();

        // The dead shard's commands fail with a clear error (no hang) until a replica takes over...
        var watch = Stopwatch.StartNew();
        RespValue failed = await client.CallAsync("GET", victimKey);
        Assert.True(failed.IsError || failed.Text == "kept", failed.ToString());
        if (failed.IsError)
        {
            Assert.Contains(victim.Endpoint, failed.Text, StringComparison.Ordinal);
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");

        // ...while every other shard keeps answering quickly.
        for (int i = 0; i < 20; i++)
        {
            watch.Restart();
            Assert.Equal("fine", (await client.CallAsync("GET", otherKey)).Text);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"healthy shard took {watch.Elapsed}");
            await Task.Delay(50);
        }

        // After the cluster promotes the replica, Slotgate finds the new primary by itself.
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        RespValue recovered;
        do
        {
            await Task.Delay(200);
            recovered = await client.CallAsync("GET", victimKey);
        }
        while (recovered.IsError && DateTime.UtcNow < deadline);
        Assert.Equal("kept", recovered.Text);
        Assert.Equal("OK", (await client.CallAsync("SET", victimKey, "after")).Text);

        // The old primary comes back as a replica; nothing breaks.
        await victim.StartAsync();
        await cluster.WaitForConvergenceAsync();
        Assert.Equal("after", (await client.CallAsync("GET", victimKey)).Text);
        Assert.Equal("fine", (await client.CallAsync("GET", otherKey)).Text);
    }

    [Fact]
    public async Task FailoverWait_PrimaryKilled_CommandsWaitForPromotedReplicaInsteadOfFailing()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        await using var server = await ProxyFixture.StartProxyAsync(cluster, o => o with { Routing = o.Routing with { FailoverWait = TimeSpan.FromSeconds(30) } });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        LocalRedisNode victim = cluster.Primaries[0];
        string key = TestKeys.OwnedBy(server, victim.Endpoint, "waited");
        Assert.Equal("OK", (await client.CallAsync("SET", key, "before")).Text);
        await cluster.ExecuteAsync(victim, "WAIT", "1", "2000");

        await victim.StopAsync();
        // No error: the commands wait until the replica is promoted and then run there.
        Assert.Equal("before", (await client.CallAsync("GET", key)).Text);
        Assert.Equal("OK", (await client.CallAsync("SET", key, "after")).Text);
        Assert.Equal("after", (await client.CallAsync("GET", key)).Text);
        Assert.NotEqual(victim.Endpoint, server.Topology.Current.GetShard(Slotgate.Cluster.HashSlot.Of(System.Text.Encoding.UTF8.GetBytes(key)))!.Primary.Endpoint);
    }
}
