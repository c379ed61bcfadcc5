namespace Slotgate.Tests.Proxy;

/// <summary>A slot no node serves gets Redis's own -CLUSTERDOWN, and only that slot.</summary>
public class UncoveredSlotTests
{
    [Fact]
    public async Task UnassignedSlot_Command_ClusterDownOthersFine()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        const string orphanKey = "orphan";
        int slot = HashSlot.Of(Encoding.UTF8.GetBytes(orphanKey));
        foreach (LocalRedisNode node in cluster.Nodes)
        {
            await cluster.ExecuteAsync(node, "CLUSTER", "DELSLOTS", slot.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await using var server = await ProxyFixture.StartProxyAsync(cluster);
        Assert.Equal(HashSlot.Count - 1, server.Topology.Current.CoveredSlots);
        Assert.Equal([new SlotRange(slot, slot)], server.Topology.Current.UncoveredRanges());

        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        RespValue orphan = await client.CallAsync("SET", orphanKey, "x");
        Assert.Equal("CLUSTERDOWN Hash slot not served", orphan.Text);
        Assert.Equal("OK", (await client.CallAsync("SET", "covered", "x")).Text);
    }
}
