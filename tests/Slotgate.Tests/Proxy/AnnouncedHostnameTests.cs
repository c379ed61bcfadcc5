namespace Slotgate.Tests.Proxy;

/// <summary>
/// A cluster that announces host names (cluster-announce-hostname, cluster-preferred-endpoint-type hostname, as on
/// Kubernetes with TLS or changing pod IPs): CLUSTER SHARDS and MOVED name nodes by host name, and Slotgate connects by
/// those names. The test cluster announces "localhost", which resolves to the loopback address the nodes listen on.
/// </summary>
public class AnnouncedHostnameTests
{
    [Fact]
    public async Task Topology_NodesAnnounceHostnames_RoutesByHostnameAndFollowsMoved()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        foreach (LocalRedisNode node in cluster.Nodes)
        {
            Assert.Equal("OK", (await node.SendAsync(["CONFIG", "SET", "cluster-announce-hostname", "localhost"])).Text);
        }
        // Host names travel in gossip; only once every node knows every other's name may they prefer names.
        await Wait.UntilAsync(
            () => cluster.Nodes.All(n => n.ExecuteAsync(["CLUSTER", "SHARDS"]).GetAwaiter().GetResult().Split("localhost").Length - 1 >= cluster.Nodes.Count),
            TimeSpan.FromSeconds(15));
        foreach (LocalRedisNode node in cluster.Nodes)
        {
            Assert.Equal("OK", (await node.SendAsync(["CONFIG", "SET", "cluster-preferred-endpoint-type", "hostname"])).Text);
        }

        await using var server = await ProxyFixture.StartProxyAsync(cluster);
        Assert.All(server.Topology.Current.Shards, s => Assert.StartsWith("localhost:", s.Primary.Endpoint, StringComparison.Ordinal));
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal("OK", (await client.CallAsync("SET", $"named:{i}", $"v{i}")).Text);
        }

        // Moving a slot makes its old owner answer "-MOVED slot localhost:port"; the client never sees it.
        int slot = HashSlot.Of(Encoding.UTF8.GetBytes("named:0"));
        LocalRedisNode owner = await cluster.GetSlotOwnerAsync(slot);
        await cluster.MigrateSlotAsync(slot, cluster.Primaries.First(p => p.Endpoint != owner.Endpoint));
        for (int i = 0; i < 30; i++)
        {
            RespValue value = await client.CallAsync("GET", $"named:{i}");
            Assert.Equal($"v{i}", value.Text);
        }
        Assert.StartsWith("localhost:", server.Topology.Current.GetShard(slot)!.Primary.Endpoint, StringComparison.Ordinal);
    }
}
