namespace Slotgate.Tests.Demo;

/// <summary>Topology-changing tests: each owns its cluster so the shared one stays intact.</summary>
public sealed class LocalRedisClusterTopologyTests
{
    [Fact]
    public async Task StopAsync_PrimaryKilled_ReplicaPromotedAndOldPrimaryRejoinsAsReplica()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        LocalRedisNode primary = cluster.Primaries[0];
        LocalRedisNode replica = Assert.Single(cluster.GetReplicasOf(primary));
        int? oldProcess = primary.ProcessId;

        await primary.StopAsync();
        Assert.False(primary.IsRunning);
        Assert.Null(primary.ProcessId);
        await cluster.WaitForConvergenceAsync();

        Assert.Equal(LocalNodeRole.Primary, replica.Role);
        Assert.Equal(3, cluster.Primaries.Count(p => p.IsRunning));

        await primary.StartAsync();
        Assert.True(primary.IsRunning);
        Assert.NotEqual(oldProcess, primary.ProcessId);
        await cluster.WaitForConvergenceAsync();

        Assert.Equal(LocalNodeRole.Replica, primary.Role);
        Assert.Equal(replica.NodeId, primary.PrimaryNodeId);
        Assert.Equal(3, cluster.Replicas.Count);
    }

    [Fact]
    public async Task FailoverAsync_Replica_PromotedAndOldPrimaryDemoted()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        int slot = int.Parse(await cluster.ExecuteAsync(cluster.Nodes[0], "CLUSTER", "KEYSLOT", "{failover}:k"), System.Globalization.CultureInfo.InvariantCulture);
        LocalRedisNode oldPrimary = await cluster.GetSlotOwnerAsync(slot);
        LocalRedisNode replica = Assert.Single(cluster.GetReplicasOf(oldPrimary));
        await cluster.ExecuteAsync(oldPrimary, "SET", "{failover}:k", "v");

        await cluster.FailoverAsync(replica);

        Assert.Equal(LocalNodeRole.Primary, replica.Role);
        Assert.Equal(LocalNodeRole.Replica, oldPrimary.Role);
        Assert.Equal(replica.NodeId, oldPrimary.PrimaryNodeId);
        Assert.Equal(replica, await cluster.GetSlotOwnerAsync(slot));
        Assert.Equal("v", await cluster.ExecuteAsync(replica, "GET", "{failover}:k"));
    }

    [Fact]
    public async Task MigrateSlot_StepByStep_MovesKeysThenOwnership()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        string[] keys = [.. Enumerable.Range(0, 25).Select(i => $"{{migrate}}:{i}")];
        int slot = int.Parse(await cluster.ExecuteAsync(cluster.Nodes[0], "CLUSTER", "KEYSLOT", keys[0]), System.Globalization.CultureInfo.InvariantCulture);
        LocalRedisNode source = await cluster.GetSlotOwnerAsync(slot);
        LocalRedisNode target = cluster.Primaries.First(p => p != source);
        foreach (string key in keys)
        {
            await cluster.ExecuteAsync(source, "SET", key, key);
        }

        SlotMigration migration = await cluster.BeginSlotMigrationAsync(slot, target);
        int moved = await migration.MoveKeysAsync(maxKeys: 10, batchSize: 4);

        // Half-migrated: ownership unchanged, keys split, and the source redirects with -ASK for keys it no longer holds.
        Assert.Equal(10, moved);
        Assert.Equal(source, await cluster.GetSlotOwnerAsync(slot));
        Assert.Equal("15", await cluster.ExecuteAsync(source, "CLUSTER", "COUNTKEYSINSLOT", slot.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("10", await cluster.ExecuteAsync(target, "CLUSTER", "COUNTKEYSINSLOT", slot.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        string movedKey = (await cluster.ExecuteAsync(target, "CLUSTER", "GETKEYSINSLOT", slot.ToString(System.Globalization.CultureInfo.InvariantCulture), "1")).Trim();
        var ask = await Assert.ThrowsAsync<RedisErrorReplyException>(() => cluster.ExecuteAsync(source, "GET", movedKey));
        Assert.StartsWith($"ASK {slot} {target.Endpoint}", ask.Error, StringComparison.Ordinal);

        await migration.CompleteAsync();

        Assert.True(migration.IsCompleted);
        Assert.Equal(25, migration.KeysMoved);
        Assert.Equal(target, await cluster.GetSlotOwnerAsync(slot));
        Assert.Equal("0", await cluster.ExecuteAsync(source, "CLUSTER", "COUNTKEYSINSLOT", slot.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (string key in keys)
        {
            Assert.Equal(key, await cluster.ExecuteAsync(target, "GET", key));
        }
        foreach (LocalRedisNode node in cluster.Nodes)
        {
            Assert.Equal(target, await GetOwnerSeenByAsync(cluster, node, slot));
        }
    }

    private static async Task<LocalRedisNode> GetOwnerSeenByAsync(LocalRedisCluster cluster, LocalRedisNode viewer, int slot)
    {
        RespValue slots = await viewer.SendAsync(["CLUSTER", "SLOTS"]);
        IReadOnlyList<RespValue> range = slots.ItemsOrEmpty.Select(r => r.ItemsOrEmpty).Single(r => r[0].Integer <= slot && slot <= r[1].Integer);
        return cluster.GetNodeByPort((int)range[2].ItemsOrEmpty[1].Integer);
    }
}
