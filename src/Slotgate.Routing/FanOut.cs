using Slotgate.Cluster;

namespace Slotgate.Routing;

/// <summary>
/// Sends one command to every primary (KEYS, DBSIZE, FLUSHALL, SCRIPT...), and for some to every healthy replica too;
/// <see cref="ReplyMerger"/> combines the nodes' replies into the one Redis would give for the whole keyspace.
/// </summary>
internal static class FanOut
{
    /// <summary>
    /// Adds to <paramref name="request"/> one child per node of <paramref name="shards"/>: each primary and, with
    /// <paramref name="allNodes"/>, each healthy replica (each replica for <see cref="MergeKind.EveryNode"/>), each child a copy of the request aimed at its node. Replies are
    /// combined by <paramref name="merge"/>. With no shard known yet, fails the request with Redis Cluster's
    /// <c>-CLUSTERDOWN</c> and returns false. Sending the children is the caller's.
    /// </summary>
    public static bool AddChildren(ProxyRequest request, IReadOnlyList<Shard> shards, MergeKind merge, bool allNodes)
    {
        if (shards.Count == 0)
        {
            request.Reject("CLUSTERDOWN No primary is known yet");
            return false;
        }
        request.Merge = merge;
        // Index loops: a foreach over the read-only list interfaces would allocate an enumerator per command.
        for (int s = 0; s < shards.Count; s++)
        {
            Shard shard = shards[s];
            AddChild(request, shard.Primary.Endpoint);
            for (int r = 0; allNodes && r < shard.Replicas.Count; r++)
            {
                ClusterNode replica = shard.Replicas[r];
                // A change of configuration goes to every replica the cluster knows, failing or not: one that cannot
                // take it is named in the reply rather than silently left behind.
                if (replica.Healthy || merge == MergeKind.EveryNode)
                {
                    AddChild(request, replica.Endpoint);
                }
            }
        }
        return true;
    }

    private static void AddChild(ProxyRequest request, string endpoint)
    {
        ProxyRequest child = request.Pool.Rent();
        child.Frame.CopyFrom(request.Frame);
        child.Target = endpoint;
        request.AddChild(child);
    }
}
