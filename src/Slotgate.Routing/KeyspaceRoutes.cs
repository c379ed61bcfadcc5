namespace Slotgate.Routing;

/// <summary>
/// Routes for the commands that act on the whole keyspace or on every primary's script cache and function library.
/// Scripts and functions are broadcast so that EVALSHA and FCALL work on whichever shard their keys live.
/// </summary>
internal static class KeyspaceRoutes
{
    public static void Add(Dictionary<string, CommandRoute> routes)
    {
        routes["SCAN"] = new(RouteKind.Scan);
        routes["KEYS"] = new(RouteKind.FanOut, Merge: MergeKind.Concat);
        routes["RANDOMKEY"] = new(RouteKind.FanOut, Merge: MergeKind.AnyNonNull);
        // Each primary saves on its own schedule; the oldest save is the one that bounds what a restart could lose.
        routes["LASTSAVE"] = new(RouteKind.FanOut, Merge: MergeKind.Min);
        routes["SCRIPT|LOAD"] = new(RouteKind.FanOut, Merge: MergeKind.Same);
        routes["SCRIPT|EXISTS"] = new(RouteKind.FanOut, Merge: MergeKind.AllExist);
        routes["SCRIPT|FLUSH"] = new(RouteKind.FanOut, Merge: MergeKind.AllOk);
        routes["FUNCTION|LOAD"] = new(RouteKind.FanOut, Merge: MergeKind.Same);
        routes["FUNCTION|DELETE"] = new(RouteKind.FanOut, Merge: MergeKind.AllOk);
        routes["FUNCTION|FLUSH"] = new(RouteKind.FanOut, Merge: MergeKind.AllOk);
        // Subscriptions are local to the node a subscriber is connected to, primary or replica: ask every node.
        routes["PUBSUB|CHANNELS"] = new(RouteKind.FanOut, Merge: MergeKind.Union, AllNodes: true);
        routes["PUBSUB|SHARDCHANNELS"] = new(RouteKind.FanOut, Merge: MergeKind.Union, AllNodes: true);
        routes["PUBSUB|NUMSUB"] = new(RouteKind.FanOut, Merge: MergeKind.PairSum, AllNodes: true);
        routes["PUBSUB|SHARDNUMSUB"] = new(RouteKind.FanOut, Merge: MergeKind.PairSum, AllNodes: true);
        routes["PUBSUB|NUMPAT"] = new(RouteKind.Local);
    }
}
