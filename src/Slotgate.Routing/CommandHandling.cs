using Slotgate.Commands;

namespace Slotgate.Routing;

/// <summary>
/// What Slotgate does with each command, in words: the source of the command table in docs/commands.md, derived from
/// the same routes and rules the dispatcher uses, so the document cannot drift from the code.
/// </summary>
internal static class CommandHandling
{
    public static string Describe(CommandInfo command)
    {
        string name = command.Name.ToUpperInvariant();
        CommandRoute? route = CommandRoutes.Find(name);
        bool keyed = !command.KeySpecs.IsEmpty || command.FirstKey != 0;
        switch (command.Local)
        {
            case LocalCommand.Command or LocalCommand.CommandCount or LocalCommand.CommandList or LocalCommand.CommandInfo:
                return "answered by Slotgate from the command table learned from the cluster's nodes (merged with Slotgate's own commands)";
            case LocalCommand.CommandDocs:
                return "answered by Slotgate: the nodes' own docs, learned with the command table; Slotgate's entries for commands no node documents";
        }
        if (name == "SLOWLOG|GET")
        {
            return "answered by Slotgate (its own slow log; `SLOWLOG GET count NODES`: every node's, merged by time)";
        }
        return route?.Kind switch
        {
            RouteKind.Local => "answered by Slotgate",
            RouteKind.Debug => "a key's subcommands (OBJECT, DIGEST-VALUE, ...) to the key's primary; DIGEST merged from every primary; " +
                "whole-node ones (SLEEP, RELOAD, ...) to every primary with routing.allowDebug, refused by default",
            RouteKind.SplitValues => "split by hash slot, values merged in key order",
            RouteKind.SplitPairs => "split by hash slot (key/value pairs), OK when all parts are",
            RouteKind.SplitSum => "split by hash slot, counts summed",
            RouteKind.FanOutSum => "every primary, integers summed",
            RouteKind.FanOutAllOk => "every primary, OK when all are",
            RouteKind.FanOut => route.AllNodes ? $"every node ({MergeWords(route.Merge)})" : $"every primary ({MergeWords(route.Merge)})",
            RouteKind.Scan => "every primary in turn, cursor encodes which",
            RouteKind.Info => "Slotgate's own sections; memory, stats and keyspace summed over primaries",
            RouteKind.Transaction => "transaction state; runs on a dedicated connection",
            RouteKind.Blocking => "dedicated connection to the key's primary (blocks only its client)",
            RouteKind.PubSub => "the client's pub/sub connections",
            RouteKind.BySlotArgument => "primary of the slot given as argument",
            RouteKind.Wait => "replication offsets of the shards the client wrote to, until enough replicas acknowledge",
            RouteKind.ClientUnblock => "relayed to the node where that client's blocking command waits",
            RouteKind.Tracking => "answered by Slotgate (client-side caching: it tracks the keys its clients read, every primary reports the keys it changes)",
            RouteKind.NotSupported => "refused: " + route.Error,
            RouteKind.Forward or null when keyed => (command.Flags & CommandFlags.MayBlock) != 0
                ? "key's primary; with BLOCK, a dedicated connection"
                : "key's primary (keys must share a slot)",
            RouteKind.Forward or null when CommandRoutes.AnyPrimary.Contains(name) => "any primary",
            _ => "refused: " + CommandRoutes.KeylessError(name.Replace('|', ' ')),
        };
    }

    private static string MergeWords(MergeKind merge) => merge switch
    {
        MergeKind.Concat => "replies concatenated",
        MergeKind.AnyNonNull => "a non-empty primary's reply",
        MergeKind.Min => "the smallest",
        MergeKind.Same => "the common reply",
        MergeKind.AllExist => "element-wise AND",
        MergeKind.AllOk => "OK when all are",
        MergeKind.Sum => "summed",
        MergeKind.Union => "union",
        MergeKind.PairSum => "counts summed per channel",
        MergeKind.EveryNode => "OK when every node is, else each failing node named",
        MergeKind.AnyKilled => "OK when one stopped a script",
        MergeKind.ConfigGet => "each parameter once, with the value most nodes have",
        MergeKind.FunctionStats => "the primary running a function, else the first",
        MergeKind.NodeReports => "each node's text under its address",
        MergeKind.MemoryStats => "counts summed, ratios computed from the sums",
        MergeKind.LatencyLatest => "one entry per event: the newest sample, the highest ever",
        MergeKind.LatencyHistory => "samples merged by time, one per second",
        MergeKind.LatencyHistogram => "calls and cumulative histograms summed per command",
        _ => merge.ToString(),
    };
}
