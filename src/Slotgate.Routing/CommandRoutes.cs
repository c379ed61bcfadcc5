using System.Collections.Frozen;

namespace Slotgate.Routing;

/// <summary>
/// Slotgate's routing policy by command name (upper case; subcommands as <c>CONTAINER|SUB</c>). Commands not listed
/// follow the default: commands that take keys are forwarded to their slot's primary, keyless ones are refused
/// unless <see cref="AnyPrimary"/> lists them, since running e.g. DEBUG on one node of many would mislead.
/// </summary>
internal static class CommandRoutes
{
    private const string NotYet = "is not supported by Slotgate yet";

    private static readonly FrozenDictionary<string, CommandRoute> Routes = Build();

    /// <summary>Keyless commands any primary can answer for the whole cluster.</summary>
    public static FrozenSet<string> AnyPrimary { get; } = new[] { "TIME", "LOLWUT", "PUBLISH", "FUNCTION|LIST", "FUNCTION|DUMP",
        "PFSELFTEST", "MEMORY|HELP", "LATENCY|HELP", "OBJECT|HELP", "CONFIG|HELP", "FUNCTION|HELP", "SCRIPT|HELP", "PUBSUB|HELP",
        "XGROUP|HELP", "XINFO|HELP", "ACL|HELP", "CLUSTER|HELP" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>DEBUG's route with routing.allowDebug: the subcommands that act on whole nodes go to every primary.</summary>
    public static CommandRoute DebugAllowed { get; } = new(RouteKind.Debug);

    /// <summary>The explicit route for <paramref name="fullName"/>, or null to apply the default.</summary>
    public static CommandRoute? Find(string fullName) => Routes.GetValueOrDefault(fullName);

    /// <summary>The error for a keyless command Slotgate does not run.</summary>
    public static string KeylessError(string displayName) =>
        $"ERR Slotgate: '{displayName}' is a per-node server command with no key to route by; run it on the Redis nodes directly";

    private static FrozenDictionary<string, CommandRoute> Build()
    {
        var routes = new Dictionary<string, CommandRoute>(StringComparer.Ordinal);
        foreach (string name in new[]
        {
            "PING", "ECHO", "QUIT", "SELECT", "HELLO", "AUTH", "RESET", "READONLY", "READWRITE", "ASKING",
            "CLIENT|SETNAME", "CLIENT|GETNAME", "CLIENT|ID", "CLIENT|SETINFO", "CLIENT|INFO", "CLIENT|LIST",
            "CLIENT|NO-EVICT", "CLIENT|NO-TOUCH", "CLIENT|HELP", "CLIENT|KILL", "CLIENT|REPLY",
            "SLOWLOG|GET", "SLOWLOG|LEN", "SLOWLOG|RESET", "SLOWLOG|HELP",
            "PUBSUB|NUMPAT", "CLUSTER|INFO", "CLUSTER|SLOTS", "CLUSTER|SHARDS", "CLUSTER|NODES", "CLUSTER|MYID", "CLUSTER|KEYSLOT",
            "COMMAND", "COMMAND|COUNT", "COMMAND|INFO", "COMMAND|LIST", "COMMAND|DOCS", "COMMAND|GETKEYS", "COMMAND|GETKEYSANDFLAGS",
            "COMMAND|HELP",
            "ACL|WHOAMI", "ACL|USERS", "ACL|CAT", "ACL|DRYRUN", "MONITOR",
        })
        {
            routes[name] = CommandRoute.Local;
        }
        routes["MGET"] = new(RouteKind.SplitValues);
        routes["MSET"] = new(RouteKind.SplitPairs);
        foreach (string name in new[] { "DEL", "UNLINK", "EXISTS", "TOUCH" })
        {
            routes[name] = new(RouteKind.SplitSum);
        }
        routes["CLUSTER|COUNTKEYSINSLOT"] = new(RouteKind.BySlotArgument);
        routes["CLUSTER|GETKEYSINSLOT"] = new(RouteKind.BySlotArgument);
        routes["DBSIZE"] = new(RouteKind.FanOutSum);
        routes["FLUSHALL"] = new(RouteKind.FanOutAllOk);
        routes["FLUSHDB"] = new(RouteKind.FanOutAllOk);
        routes["INFO"] = new(RouteKind.Info);

        foreach (string name in new[] { "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH" })
        {
            routes[name] = new(RouteKind.Transaction);
        }
        foreach (string name in new[] { "BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP" })
        {
            routes[name] = new(RouteKind.Blocking);
        }
        foreach (string name in new[] { "SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SSUBSCRIBE", "SUNSUBSCRIBE" })
        {
            routes[name] = new(RouteKind.PubSub);
        }
        routes["WAIT"] = new(RouteKind.Wait);
        foreach (string name in new[] { "ACL|SETUSER", "ACL|DELUSER", "ACL|GETUSER", "ACL|LIST", "ACL|LOAD", "ACL|SAVE", "ACL|LOG", "ACL|GENPASS" })
        {
            // Slotgate's own users: ACL commands sent on to a node would change or show that node's users instead.
            routes[name] = new CommandRoute(RouteKind.NotSupported,
                $"ERR Slotgate: '{name.Replace('|', ' ')}' is not available: Slotgate's users are set in its configuration (auth.users)");
        }
        Refuse(routes, "AOF acknowledgement across shards", "WAITAOF");
        KeyspaceRoutes.Add(routes);
        OperatorRoutes.Add(routes);
        routes["DEBUG"] = new CommandRoute(RouteKind.Debug,
            "ERR Slotgate: DEBUG {0} acts on whole nodes, which would stall or change every primary for every client of this proxy; " +
            "it is refused unless routing.allowDebug is true");
        routes["CLIENT|UNBLOCK"] = new(RouteKind.ClientUnblock);
        foreach (string name in new[] { "CLIENT|TRACKING", "CLIENT|CACHING", "CLIENT|GETREDIR", "CLIENT|TRACKINGINFO" })
        {
            routes[name] = new(RouteKind.Tracking);
        }
        Refuse(routes, "server introspection", "CLIENT|PAUSE", "CLIENT|UNPAUSE", "LATENCY");
        return routes.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static void Refuse(Dictionary<string, CommandRoute> routes, string feature, params string[] names)
    {
        foreach (string name in names)
        {
            string display = name.Replace('|', ' ');
            routes[name] = new CommandRoute(RouteKind.NotSupported, $"ERR Slotgate: {display} ({feature}) {NotYet}");
        }
    }
}
