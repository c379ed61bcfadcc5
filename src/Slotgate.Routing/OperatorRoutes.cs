namespace Slotgate.Routing;

/// <summary>
/// Routes for the operator's commands, which act on the servers rather than the data: configuration goes to every node
/// of the cluster, primaries and replicas, so the cluster stays configured as one server; a running script is stopped
/// on whichever primary runs it; the function library, loaded on every primary by FUNCTION LOAD's broadcast, is dumped
/// from one (<see cref="CommandRoutes.AnyPrimary"/>) and restored to all; each node's own diagnosis is given under its
/// address, and the resets and the purge reach every node as CONFIG does. Statistics are merged into the figures one
/// server holding the whole data set would report (<see cref="NodeStatsMerger"/>).
/// </summary>
internal static class OperatorRoutes
{
    public static void Add(Dictionary<string, CommandRoute> routes)
    {
        // Every node, primaries and replicas.
        Add(routes, allNodes: true,
        [
            ("CONFIG|GET", MergeKind.ConfigGet), ("CONFIG|SET", MergeKind.EveryNode), ("CONFIG|RESETSTAT", MergeKind.EveryNode),
            ("CONFIG|REWRITE", MergeKind.EveryNode), ("MEMORY|PURGE", MergeKind.EveryNode), ("LATENCY|RESET", MergeKind.Sum),
            ("MEMORY|DOCTOR", MergeKind.NodeReports), ("MEMORY|MALLOC-STATS", MergeKind.NodeReports), ("LATENCY|DOCTOR", MergeKind.NodeReports),
            ("LATENCY|GRAPH", MergeKind.NodeReports), ("LATENCY|LATEST", MergeKind.LatencyLatest), ("LATENCY|HISTORY", MergeKind.LatencyHistory),
        ]);
        // Every primary: where scripts run and the function library lives.
        Add(routes, allNodes: false,
        [
            ("SCRIPT|KILL", MergeKind.AnyKilled), ("FUNCTION|KILL", MergeKind.AnyKilled),
            ("FUNCTION|STATS", MergeKind.FunctionStats), ("FUNCTION|RESTORE", MergeKind.EveryNode),
            // The data set's statistics: a replica's copy of a primary's data (and the commands it replays) would count twice.
            ("MEMORY|STATS", MergeKind.MemoryStats), ("LATENCY|HISTOGRAM", MergeKind.LatencyHistogram),
        ]);
    }

    private static void Add(Dictionary<string, CommandRoute> routes, bool allNodes, ReadOnlySpan<(string Name, MergeKind Merge)> commands)
    {
        foreach ((string name, MergeKind merge) in commands)
        {
            routes[name] = new CommandRoute(RouteKind.FanOut, Merge: merge, AllNodes: allNodes);
        }
    }
}
