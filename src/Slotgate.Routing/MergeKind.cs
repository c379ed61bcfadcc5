namespace Slotgate.Routing;

/// <summary>How the replies of a split or fanned-out command become the one reply Redis would have given.</summary>
internal enum MergeKind
{
    None,

    /// <summary>MGET: an array with every key's value in the order the client asked.</summary>
    Values,

    /// <summary>MSET, FLUSHALL: <c>+OK</c> when every part said OK, otherwise the first error.</summary>
    AllOk,

    /// <summary>DEL, UNLINK, EXISTS, TOUCH, DBSIZE: the sum of the integer replies.</summary>
    Sum,

    /// <summary>SCRIPT LOAD, FUNCTION LOAD: every primary's reply must be the same (the SHA1, the library name); that reply.</summary>
    Same,

    /// <summary>SCRIPT EXISTS: element-wise AND of the 0/1 arrays (a script exists only if every primary has it).</summary>
    AllExist,

    /// <summary>KEYS: the arrays concatenated, primaries in order.</summary>
    Concat,

    /// <summary>RANDOMKEY: one primary's key chosen at random among those that returned one; null only when all are empty.</summary>
    AnyNonNull,

    /// <summary>LASTSAVE: the smallest integer (the oldest save across primaries).</summary>
    Min,

    /// <summary>INFO: Slotgate's own sections (<see cref="ProxyRequest.InfoPrefix"/>) and the keyspace summed over primaries.</summary>
    Info,

    /// <summary>PUBSUB CHANNELS/SHARDCHANNELS: every node's channels, each once.</summary>
    Union,

    /// <summary>PUBSUB NUMSUB/SHARDNUMSUB: [channel, count, ...] with each channel's counts summed over the nodes.</summary>
    PairSum,

    /// <summary>
    /// CONFIG SET/RESETSTAT/REWRITE, FUNCTION RESTORE: the first node's reply when every node succeeded; the nodes' own
    /// error when all refused alike; otherwise an error naming each failing node and its error.
    /// </summary>
    EveryNode,

    /// <summary>SCRIPT KILL, FUNCTION KILL: OK when some primary stopped a script; NOTBUSY when none was running one.</summary>
    AnyKilled,

    /// <summary>CONFIG GET: each parameter with the value the nodes agree on (most nodes' value when they differ).</summary>
    ConfigGet,

    /// <summary>FUNCTION STATS: the reply of a primary running a function if one is, otherwise the first primary's.</summary>
    FunctionStats,

    /// <summary>
    /// MEMORY DOCTOR, LATENCY DOCTOR, MEMORY MALLOC-STATS, LATENCY GRAPH: every node's report in one text, each under its
    /// node's address (nodes with no samples of a graphed event left out).
    /// </summary>
    NodeReports,

    /// <summary>MEMORY STATS: the primaries' byte and key counts summed, ratios computed again from the sums.</summary>
    MemoryStats,

    /// <summary>LATENCY LATEST: one entry per event, the newest sample of any node and the highest of all.</summary>
    LatencyLatest,

    /// <summary>LATENCY HISTORY: every node's samples in time order, one per second (the highest).</summary>
    LatencyHistory,

    /// <summary>LATENCY HISTOGRAM: per command, the primaries' calls and cumulative histograms summed.</summary>
    LatencyHistogram,

    /// <summary>DEBUG DIGEST: the primaries' digests combined into the one a server holding every key would give.</summary>
    DebugDigest,

    /// <summary>SLOWLOG GET count NODES: every node's slow log entries, newest first, the node named in each.</summary>
    NodeSlowLog,
}
