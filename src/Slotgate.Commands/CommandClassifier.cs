using System.Collections.Frozen;

namespace Slotgate.Commands;

/// <summary>
/// Slotgate's hand-kept knowledge about commands that Redis's metadata does not carry: the classification bits of
/// <see cref="CommandFlags"/> and which commands need a hand-written key finder. Applied to every
/// <see cref="CommandInfo"/>, including ones learned from a backend at run time.
/// </summary>
internal static class CommandClassifier
{
    /// <summary>The names (as Redis reports them; subcommands as container|sub) of the commands Slotgate answers itself.</summary>
    private static readonly FrozenDictionary<string, LocalCommand> s_local = new Dictionary<string, LocalCommand>(StringComparer.OrdinalIgnoreCase)
    {
        ["ping"] = LocalCommand.Ping,
        ["echo"] = LocalCommand.Echo,
        ["quit"] = LocalCommand.Quit,
        ["select"] = LocalCommand.Select,
        ["readonly"] = LocalCommand.ReadOnly,
        ["readwrite"] = LocalCommand.ReadWrite,
        ["asking"] = LocalCommand.Asking,
        ["reset"] = LocalCommand.Reset,
        ["monitor"] = LocalCommand.Monitor,
        ["auth"] = LocalCommand.Auth,
        ["hello"] = LocalCommand.Hello,
        ["acl|whoami"] = LocalCommand.AclWhoAmI,
        ["acl|users"] = LocalCommand.AclUsers,
        ["acl|cat"] = LocalCommand.AclCat,
        ["acl|dryrun"] = LocalCommand.AclDryRun,
        ["client|setname"] = LocalCommand.ClientSetName,
        ["client|getname"] = LocalCommand.ClientGetName,
        ["client|id"] = LocalCommand.ClientId,
        ["client|setinfo"] = LocalCommand.ClientSetInfo,
        ["client|info"] = LocalCommand.ClientInfoLine,
        ["client|list"] = LocalCommand.ClientList,
        ["client|kill"] = LocalCommand.ClientKill,
        ["client|no-evict"] = LocalCommand.ClientNoEvict,
        ["client|no-touch"] = LocalCommand.ClientNoTouch,
        ["client|reply"] = LocalCommand.ClientReply,
        ["command"] = LocalCommand.Command,
        ["command|count"] = LocalCommand.CommandCount,
        ["command|list"] = LocalCommand.CommandList,
        ["command|info"] = LocalCommand.CommandInfo,
        ["command|docs"] = LocalCommand.CommandDocs,
        ["command|getkeys"] = LocalCommand.CommandGetKeys,
        ["command|getkeysandflags"] = LocalCommand.CommandGetKeysAndFlags,
        ["cluster|info"] = LocalCommand.ClusterInfo,
        ["cluster|slots"] = LocalCommand.ClusterSlots,
        ["cluster|shards"] = LocalCommand.ClusterShards,
        ["cluster|nodes"] = LocalCommand.ClusterNodes,
        ["cluster|myid"] = LocalCommand.ClusterMyId,
        ["cluster|keyslot"] = LocalCommand.ClusterKeySlot,
        ["slowlog|get"] = LocalCommand.SlowLogGet,
        ["slowlog|len"] = LocalCommand.SlowLogLen,
        ["slowlog|reset"] = LocalCommand.SlowLogReset,
        ["slowlog|help"] = LocalCommand.SlowLogHelp,
        ["pubsub|numpat"] = LocalCommand.PubSubNumPat,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static CommandFlags Classify(string name, CommandFlags redisFlags)
    {
        CommandFlags flags = redisFlags;
        switch (name)
        {
            case "multi" or "exec" or "discard" or "watch" or "unwatch":
                flags |= CommandFlags.Transaction;
                break;
            case "subscribe" or "unsubscribe" or "psubscribe" or "punsubscribe" or "ssubscribe" or "sunsubscribe":
                flags |= CommandFlags.Subscription;
                break;
            case "wait" or "waitaof":
                // Redis does not flag them blocking (they are not blocked on keys) but they hold the connection.
                flags |= CommandFlags.MayBlock;
                break;
        }
        if ((redisFlags & CommandFlags.Blocking) != 0)
        {
            flags |= CommandFlags.MayBlock;
        }
        return flags;
    }

    /// <summary>
    /// The commands whose key specs Redis 7 marks unknown or incomplete in a way that loses keys: SORT's STORE
    /// destination can be anywhere, and MIGRATE's single key may be empty in favour of a KEYS list.
    /// (SORT_RO's unknown spec stands for BY/GET patterns, which are not keys, so the search handles it.)
    /// </summary>
    public static SpecialKeyFinder SpecialKeyFinderFor(string name) => name switch
    {
        "sort" => SpecialKeyFinder.Sort,
        "migrate" => SpecialKeyFinder.Migrate,
        _ => SpecialKeyFinder.None,
    };

    /// <summary>
    /// Which of the commands Slotgate answers itself <paramref name="name"/> is, or <see cref="LocalCommand.None"/>.
    /// Given by name, so a command learned from a backend or added by configuration gets the same id as the built-in one.
    /// </summary>
    public static LocalCommand LocalCommandFor(string name) => s_local.GetValueOrDefault(name);
}
