namespace Slotgate.Tests.Demo;

/// <summary>Read-only checks against the shared cluster: they must not change its topology.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LocalRedisClusterTests(ClusterFixture fixture)
{
    private readonly LocalRedisCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task StartAsync_DefaultShape_FullCoverageWithThreeReplicasAttached()
    {
        Assert.Equal(6, _cluster.Nodes.Count);
        Assert.Equal(3, _cluster.Primaries.Count);
        Assert.Equal(3, _cluster.Replicas.Count);
        Assert.Equal(6, _cluster.SeedEndpoints.Distinct().Count());
        Assert.All(_cluster.Nodes, n => Assert.True(n.IsRunning));
        Assert.All(_cluster.Nodes, n => Assert.Equal(40, n.NodeId.Length));
        Assert.All(_cluster.Primaries, p => Assert.Single(_cluster.GetReplicasOf(p)));

        foreach (LocalRedisNode node in _cluster.Nodes)
        {
            string info = await _cluster.ExecuteAsync(node, "CLUSTER", "INFO");
            Assert.Equal("ok", ClusterConvergence.ReadInfoField(info, "cluster_state"));
            Assert.Equal("16384", ClusterConvergence.ReadInfoField(info, "cluster_slots_assigned"));
            Assert.Equal("6", ClusterConvergence.ReadInfoField(info, "cluster_known_nodes"));
        }
        foreach (LocalRedisNode replica in _cluster.Replicas)
        {
            string replication = await _cluster.ExecuteAsync(replica, "INFO", "replication");
            Assert.Equal("up", ClusterConvergence.ReadInfoField(replication, "master_link_status"));
            Assert.Equal(_cluster.GetPrimaryOf(replica).Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ClusterConvergence.ReadInfoField(replication, "master_port"));
        }
    }

    [Fact]
    public async Task ExecuteAsync_SetOnSlotOwner_ValueReadBack()
    {
        const string key = "launcher:execute";
        int slot = int.Parse(await _cluster.ExecuteAsync(_cluster.Nodes[0], "CLUSTER", "KEYSLOT", key), System.Globalization.CultureInfo.InvariantCulture);
        LocalRedisNode owner = await _cluster.GetSlotOwnerAsync(slot);

        Assert.Equal("OK", await _cluster.ExecuteAsync(owner, "SET", key, "value"));
        Assert.Equal("value", await _cluster.ExecuteAsync(owner, "GET", key));
    }

    [Fact]
    public async Task ExecuteAsync_KeyOnOtherNode_ThrowsWithMovedError()
    {
        const string key = "launcher:moved";
        int slot = int.Parse(await _cluster.ExecuteAsync(_cluster.Nodes[0], "CLUSTER", "KEYSLOT", key), System.Globalization.CultureInfo.InvariantCulture);
        LocalRedisNode owner = await _cluster.GetSlotOwnerAsync(slot);
        LocalRedisNode other = _cluster.Primaries.First(p => p != owner);

        var ex = await Assert.ThrowsAsync<RedisErrorReplyException>(() => _cluster.ExecuteAsync(other, "GET", key));

        Assert.StartsWith($"MOVED {slot} {owner.Endpoint}", ex.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSlotOwnerAsync_EverySlotBoundary_OwnedByAPrimary()
    {
        foreach (int slot in new[] { 0, 5460, 5461, 10922, 10923, 16383 })
        {
            LocalRedisNode owner = await _cluster.GetSlotOwnerAsync(slot);
            Assert.Contains(owner, _cluster.Primaries);
        }
    }
}
