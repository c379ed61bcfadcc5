namespace Slotgate.Routing;

/// <summary>
/// Routes for the operator's commands, which act on the servers rather than the data: configuration goes to every node
/// of the cluster, primaries and replicas, so the cluster stays configured as one server; a running script is stopped
/// on whichever primary runs it; the function library, loaded on every primary by FUNCTION LOAD's broadcast, is dumped
/// from one and restored to all.
/// </summary>
internal static class OperatorRoutes
{
    public static void Add(Dictionary<string, CommandRoute> routes)
    {
        routes["CONFIG|GET"] = new(RouteKind.FanOut, Merge: MergeKind.ConfigGet, AllNodes: true);
        routes["CONFIG|SET"] = new(RouteKind.FanOut, Merge: MergeKind.EveryNode, AllNodes: true);
        routes["CONFIG|RESETSTAT"] = new(RouteKind.FanOut, Merge: MergeKind.EveryNode, AllNodes: true);
        routes["CONFIG|REWRITE"] = new(RouteKind.FanOut, Merge: MergeKind.EveryNode, AllNodes: true);
        routes["SCRIPT|KILL"] = new(RouteKind.FanOut, Merge: MergeKind.AnyKilled);
        routes["FUNCTION|KILL"] = new(RouteKind.FanOut, Merge: MergeKind.AnyKilled);
        routes["FUNCTION|STATS"] = new(RouteKind.FanOut, Merge: MergeKind.FunctionStats);
        routes["FUNCTION|RESTORE"] = new(RouteKind.FanOut, Merge: MergeKind.EveryNode);
        // Each node's own diagnosis, under its address; the resets and the purge reach every node, as CONFIG does.
        routes["MEMORY|DOCTOR"] = new(RouteKind.FanOut, Merge: MergeKind.NodeReports, AllNodes: true);
        routes["MEMORY|MALLOC-STATS"] = new(RouteKind.FanOut, Merge: MergeKind.NodeReports, AllNodes: true);
        routes["LATENCY|DOCTOR"] = new(RouteKind.FanOut, Merge: MergeKind.NodeReports, AllNodes: true);
        routes["MEMORY|PURGE"] = new(RouteKind.FanOut, Merge: MergeKind.EveryNode, AllNodes: true);
        routes["LATENCY|RESET"] = new(RouteKind.FanOut, Merge: MergeKind.Sum, AllNodes: true);
    }
}
