using Slotgate.Backend;
using Slotgate.Cluster;
using Slotgate.Diagnostics;

namespace Slotgate.Admin;

/// <summary>Builds the <c>/topology</c> view: the slot map in use, with each node's health, connections and latency.</summary>
internal sealed class TopologyView(TopologyRefresher topology, BackendPool pool, SlotgateMetrics metrics)
{
    public TopologyDto Build(IReadOnlyList<MigrationDto>? migrations = null)
    {
        SlotMap map = topology.Current;
        var shards = new List<ShardDto>(map.Shards.Count);
        for (int i = 0; i < map.Shards.Count; i++)
        {
            Shard shard = map.Shards[i];
            shards.Add(new ShardDto(
                i,
                Node(shard.Primary),
                [.. shard.Replicas.Select(Node)],
                [.. shard.Ranges.Select(r => r.ToString())],
                shard.SlotCount));
        }
        return new TopologyDto(map.Version, map.CoveredSlots, map.IsFullyCovered, topology.LastRefresh, topology.LastError, shards, migrations ?? []);
    }

    /// <summary>The shard index owning each run of slots, as triples (from, to, shard); -1 for unserved slots.</summary>
    public IReadOnlyList<int> SlotRuns()
    {
        SlotMap map = topology.Current;
        var index = new Dictionary<Shard, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < map.Shards.Count; i++)
        {
            index[map.Shards[i]] = i;
        }
        var runs = new List<int>();
        int start = 0;
        int owner = Owner(map, index, 0);
        for (int slot = 1; slot <= HashSlot.Count; slot++)
        {
            int next = slot < HashSlot.Count ? Owner(map, index, slot) : int.MinValue;
            if (next != owner)
            {
                runs.Add(start);
                runs.Add(slot - 1);
                runs.Add(owner);
                start = slot;
                owner = next;
            }
        }
        return runs;
    }

    private static int Owner(SlotMap map, Dictionary<Shard, int> index, int slot) =>
        map.GetShard(slot) is { } shard && index.TryGetValue(shard, out int i) ? i : -1;

    private NodeDto Node(ClusterNode node)
    {
        NodeStat stat = metrics.Node(node.Endpoint);
        var buckets = new long[LatencyHistogram.BucketCount];
        stat.Latency.CopyTo(buckets);
        int up = 0;
        foreach (BackendNode backend in pool.Nodes)
        {
            if (string.Equals(backend.Endpoint, node.Endpoint, StringComparison.OrdinalIgnoreCase))
            {
                up += backend.ConnectedCount;
            }
        }
        long requests = stat.Requests;
        return new NodeDto(
            node.Id,
            node.Endpoint,
            node.IsPrimary ? "primary" : "replica",
            node.Healthy,
            up,
            requests,
            stat.Errors,
            requests == 0 ? 0 : Math.Round(stat.Micros / (double)requests / 1000.0, 3),
            LatencyHistogram.Percentile(buckets, 50) / 1000.0,
            LatencyHistogram.Percentile(buckets, 99) / 1000.0);
    }
}
