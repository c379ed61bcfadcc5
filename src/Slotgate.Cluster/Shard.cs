namespace Slotgate.Cluster;

/// <summary>A primary, its replicas and the slot ranges it serves.</summary>
internal sealed record Shard(ClusterNode Primary, IReadOnlyList<ClusterNode> Replicas, IReadOnlyList<SlotRange> Ranges)
{
    public int SlotCount
    {
        get
        {
            int count = 0;
            foreach (SlotRange range in Ranges)
            {
                count += range.Count;
            }
            return count;
        }
    }
}
