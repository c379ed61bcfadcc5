namespace Slotgate.Routing;

/// <summary>What Slotgate does with a command.</summary>
internal enum RouteKind
{
    /// <summary>Forward to the primary owning the keys' slot (any primary when there are no keys); keys must share a slot.</summary>
    Forward,

    /// <summary>Answered by Slotgate itself (PING, ECHO, SELECT, HELLO, CLIENT, COMMAND, QUIT, ...).</summary>
    Local,

    /// <summary>MGET: split by slot, values merged back in key order.</summary>
    SplitValues,

    /// <summary>MSET: split by slot (key/value pairs), OK when all parts are OK.</summary>
    SplitPairs,

    /// <summary>DEL, UNLINK, EXISTS, TOUCH: split by slot, counts summed.</summary>
    SplitSum,

    /// <summary>Sent to every primary, integer replies summed (DBSIZE).</summary>
    FanOutSum,

    /// <summary>Sent to every primary, OK when all are OK (FLUSHALL, FLUSHDB).</summary>
    FanOutAllOk,

    /// <summary>Sent to every primary, replies combined by the route's <see cref="CommandRoute.Merge"/> (KEYS, SCRIPT, FUNCTION...).</summary>
    FanOut,

    /// <summary>SCAN: one primary at a time, the cursor naming which (see <see cref="ClusterScan"/>).</summary>
    Scan,

    /// <summary>INFO: Slotgate's own sections plus the keyspace summed over every primary.</summary>
    Info,

    /// <summary>MULTI, EXEC, DISCARD, WATCH, UNWATCH: the session's transaction state, run on a dedicated connection.</summary>
    Transaction,

    /// <summary>A blocking command (BLPOP...): forwarded on a dedicated connection so it blocks only its client.</summary>
    Blocking,

    /// <summary>SUBSCRIBE and friends: the session's pub/sub connections.</summary>
    PubSub,

    /// <summary>WAIT: replication acknowledgements on the shards the client wrote to.</summary>
    Wait,

    /// <summary>CLIENT UNBLOCK: relayed to the node where the named client's blocking command waits.</summary>
    ClientUnblock,

    /// <summary>CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO: client-side caching, kept by Slotgate with every node's invalidations.</summary>
    Tracking,

    /// <summary>CLUSTER COUNTKEYSINSLOT/GETKEYSINSLOT: sent to the primary of the slot given as argument 2.</summary>
    BySlotArgument,

    /// <summary>
    /// DEBUG: a subcommand that looks at a key to the key's primary, DIGEST merged from every primary, the whole-node
    /// ones to every primary when allowed (the route's <see cref="CommandRoute.Error"/> is null) and refused otherwise.
    /// </summary>
    Debug,

    /// <summary>Not available through Slotgate (yet): a clear error naming the command.</summary>
    NotSupported,
}
