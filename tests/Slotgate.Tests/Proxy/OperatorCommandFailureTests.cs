using System.Diagnostics;
using Slotgate.Demo;
using Slotgate.Hosting;
using Slotgate.Protocol;
using Slotgate.Tests.Support;

namespace Slotgate.Tests.Proxy;

/// <summary>CONFIG SET with a node of the cluster down, on a cluster of the test's own (it stops a node).</summary>
public class OperatorCommandFailureTests
{
    [Fact]
    public async Task ConfigSet_ReplicaStopped_ErrorNamesItPromptly()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        LocalRedisNode stopped = cluster.Replicas[0];
        // Slotgate learns the replica from the cluster's view, whether it is already reported failing or not yet.
        await stopped.StopAsync();
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(cluster);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        var clock = Stopwatch.StartNew();

        RespValue reply = await client.CallAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");

        clock.Stop();
        Assert.True(reply.IsError, reply.ToString());
        Assert.StartsWith($"ERR Slotgate: CONFIG SET failed on {stopped.Endpoint}: ", reply.Text, StringComparison.Ordinal);
        Assert.EndsWith($"applied on the other {cluster.Nodes.Count - 1} nodes", reply.Text, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Equal("allkeys-lru", (await cluster.Primaries[0].SendAsync(["CONFIG", "GET", "maxmemory-policy"])).ItemsOrEmpty[1].Text);
    }
}
