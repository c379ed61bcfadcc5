using Slotgate.Tests.Support.Chaos;
using Xunit.Abstractions;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// The cluster changes under a steady read/write load (<see cref="ChaosWorkload"/>): each scenario checks that no
/// acknowledged write is missing unless Redis itself lost it, no read returns a value never written, errors come only
/// for the disturbed slots and only within the bound the scenario states, and the load runs clean again afterwards.
/// Each prints its table (<see cref="ChaosReport"/>).
/// </summary>
public class ChaosTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Clean = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task KillPrimary_UnderLoad_ErrorsOnlyOnItsSlotsWithinBoundNoAckedWriteLost()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(cluster);
        LocalRedisNode victim = cluster.Primaries[0];
        LocalRedisNode replica = cluster.GetReplicasOf(victim)[0];
        bool[] victimSlots = SlotsOf(server, victim.Endpoint);
        int victimSlot = Array.IndexOf(victimSlots, true);

        HashSet<string> onReplica = [];

        // Failure detection takes the node timeout, the election and Slotgate's refresh a little more.
        await RunAsync(server, "kill a primary", warmUp: TimeSpan.FromMilliseconds(500), fault: async () =>
        {
            await victim.StopAsync();
            // What the replica holds now is all the promoted primary will have: a write it lacks was lost by Redis's
            // asynchronous replication, not by Slotgate.
            onReplica = await KeysOnAsync(replica);
            await Wait.UntilAsync(
                () => server.Topology.Current.GetShard(victimSlot)?.Primary.Endpoint == replica.Endpoint, RecoveryLimit);
        }, disturbed: s => victimSlots[s], errorWindow: cluster.Options.NodeTimeout + TimeSpan.FromSeconds(3),
            lostByRedis: w => victimSlots[w.Slot] && !onReplica.Contains(w.Key));
    }

    [Fact]
    public async Task ManualFailover_UnderLoad_NoErrorsNoLostWrites()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(cluster);
        LocalRedisNode replica = cluster.Replicas[0];
        int slot = Array.IndexOf(SlotsOf(server, cluster.GetPrimaryOf(replica).Endpoint), true);

        await RunAsync(server, "manual failover", fault: async () =>
        {
            await cluster.FailoverAsync(replica);
            await Wait.UntilAsync(() => server.Topology.Current.GetShard(slot)?.Primary.Endpoint == replica.Endpoint, RecoveryLimit);
        });
    }

    [Fact]
    public async Task MigrateSlotsBackAndForth_UnderLoad_NoErrorsNoLostWrites()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(cluster);
        int[] slots = ChaosWorkload.TagSlots;

        await RunAsync(server, "migrate slots back and forth", fault: async () =>
        {
            foreach (int slot in slots)
            {
                LocalRedisNode owner = await cluster.GetSlotOwnerAsync(slot);
                LocalRedisNode other = cluster.Primaries.First(p => p.Endpoint != owner.Endpoint);
                await cluster.MigrateSlotAsync(slot, other);
                await cluster.MigrateSlotAsync(slot, owner);
            }
        });
    }

    [Fact]
    public async Task AddPrimaryMoveSlotsRemove_UnderLoad_NoErrorsNoLostWrites()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(cluster);
        int[] slots = ChaosWorkload.TagSlots;

        await RunAsync(server, "add a primary, move slots to it and back, remove it", fault: async () =>
        {
            LocalRedisNode added = await cluster.AddPrimaryAsync();
            var owners = new Dictionary<int, LocalRedisNode>();
            foreach (int slot in slots)
            {
                owners[slot] = await cluster.GetSlotOwnerAsync(slot);
                await cluster.MigrateSlotAsync(slot, added);
            }
            await Wait.UntilAsync(
                () => slots.All(s => server.Topology.Current.GetShard(s)?.Primary.Endpoint == added.Endpoint), RecoveryLimit);
            foreach (var (slot, owner) in owners)
            {
                await cluster.MigrateSlotAsync(slot, owner);
            }
            await cluster.RemoveNodeAsync(added);
            await Wait.UntilAsync(
                () => server.Topology.Current.Shards.All(s => s.Primary.Endpoint != added.Endpoint), RecoveryLimit);
        });
    }

    [Fact]
    public async Task StalledPrimary_UnderLoad_TimeoutsOnlyOnItsSlotsThenRecovers()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        TimeSpan operationTimeout = TimeSpan.FromMilliseconds(500);
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(cluster, o => o with { Backend = o.Backend with { OperationTimeout = operationTimeout } });
        LocalRedisNode stalled = cluster.Primaries[0];
        bool[] stalledSlots = SlotsOf(server, stalled.Endpoint);
        TimeSpan pause = TimeSpan.FromMilliseconds(1500);

        await RunAsync(server, "stall a primary (CLIENT PAUSE 1.5 s, op timeout 0.5 s)", fault: async () =>
        {
            // CLIENT PAUSE holds every client's command but not the cluster bus, so the node is stalled, not failed over.
            await stalled.SendAsync(["CLIENT", "PAUSE", ((int)pause.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await Task.Delay(pause);
        }, disturbed: s => stalledSlots[s], errorWindow: pause + operationTimeout + TimeSpan.FromSeconds(1.5));
    }

    /// <summary>
    /// The shape of every scenario: load runs, the fault happens, the load must run clean again, and the report holds
    /// the scenario to its bound. Without <paramref name="disturbed"/>, no slot may see an error at all.
    /// </summary>
    private async Task RunAsync(SlotgateServer server, string scenario, Func<Task> fault, Func<int, bool>? disturbed = null,
        TimeSpan errorWindow = default, Func<ChaosWrite, bool>? lostByRedis = null, TimeSpan? warmUp = null)
    {
        // Disposed however the scenario ends: a fault that throws must not leave the load running into later tests.
        await using ChaosWorkload load = ChaosWorkload.Start(server.Endpoints[0]);
        await Task.Delay(warmUp ?? TimeSpan.FromMilliseconds(300));
        load.MarkFault();
        await fault();
        await load.WaitForCleanRunAsync(Clean, RecoveryLimit);

        ChaosReport report = await load.StopAsync(scenario, disturbed ?? (_ => false), lostByRedis);
        output.WriteLine(report.ToTable());
        report.AssertWithin(errorWindow);
    }

    private static bool[] SlotsOf(SlotgateServer server, string endpoint)
    {
        var slots = new bool[16384];
        for (int slot = 0; slot < slots.Length; slot++)
        {
            slots[slot] = server.Topology.Current.GetShard(slot)?.Primary.Endpoint == endpoint;
        }
        return slots;
    }

    private static async Task<HashSet<string>> KeysOnAsync(LocalRedisNode node)
    {
        await using var client = await RespTestClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, node.Port));
        RespValue keys = await client.CallAsync("KEYS", "chaos:*");
        return [.. keys.ItemsOrEmpty.Select(k => k.Text!)];
    }
}
