namespace Slotgate.Commands;

/// <summary>
/// The names Redis uses for command flags, ACL categories and key-spec flags in COMMAND INFO, in the order it lists
/// them. Shared by the reply writer and by code that reads a backend's COMMAND reply.
/// </summary>
internal static class CommandMetadataNames
{
    public static ReadOnlySpan<(CommandFlags Flag, string Name)> CommandFlagNames => s_commandFlagNames;

    private static readonly (CommandFlags Flag, string Name)[] s_commandFlagNames =
    [
        (CommandFlags.Write, "write"),
        (CommandFlags.ReadOnly, "readonly"),
        (CommandFlags.DenyOom, "denyoom"),
        (CommandFlags.Module, "module"),
        (CommandFlags.Admin, "admin"),
        (CommandFlags.PubSub, "pubsub"),
        (CommandFlags.NoScript, "noscript"),
        (CommandFlags.Blocking, "blocking"),
        (CommandFlags.Loading, "loading"),
        (CommandFlags.Stale, "stale"),
        (CommandFlags.SkipMonitor, "skip_monitor"),
        (CommandFlags.SkipSlowlog, "skip_slowlog"),
        (CommandFlags.Asking, "asking"),
        (CommandFlags.Fast, "fast"),
        (CommandFlags.NoAuth, "no_auth"),
        (CommandFlags.MayReplicate, "may_replicate"),
        (CommandFlags.Sentinel, "sentinel"),
        (CommandFlags.OnlySentinel, "only_sentinel"),
        (CommandFlags.NoMandatoryKeys, "no_mandatory_keys"),
        (CommandFlags.Protected, "protected"),
        (CommandFlags.ModuleGetKeys, "module_getkeys"),
        (CommandFlags.ModuleNoCluster, "module_no_cluster"),
        (CommandFlags.NoAsyncLoading, "no_async_loading"),
        (CommandFlags.NoMulti, "no_multi"),
        (CommandFlags.MovableKeys, "movablekeys"),
        (CommandFlags.AllowBusy, "allow_busy"),
        (CommandFlags.ModuleGetChannels, "module_getchannels"),
        (CommandFlags.TouchesArbitraryKeys, "touches_arbitrary_keys"),
    ];

    public static ReadOnlySpan<(AclCategories Category, string Name)> AclCategoryNames => s_aclCategoryNames;

    private static readonly (AclCategories Category, string Name)[] s_aclCategoryNames =
    [
        (AclCategories.Keyspace, "@keyspace"),
        (AclCategories.Read, "@read"),
        (AclCategories.Write, "@write"),
        (AclCategories.Set, "@set"),
        (AclCategories.SortedSet, "@sortedset"),
        (AclCategories.List, "@list"),
        (AclCategories.Hash, "@hash"),
        (AclCategories.String, "@string"),
        (AclCategories.Bitmap, "@bitmap"),
        (AclCategories.HyperLogLog, "@hyperloglog"),
        (AclCategories.Geo, "@geo"),
        (AclCategories.Stream, "@stream"),
        (AclCategories.PubSub, "@pubsub"),
        (AclCategories.Admin, "@admin"),
        (AclCategories.Fast, "@fast"),
        (AclCategories.Slow, "@slow"),
        (AclCategories.Blocking, "@blocking"),
        (AclCategories.Dangerous, "@dangerous"),
        (AclCategories.Connection, "@connection"),
        (AclCategories.Transaction, "@transaction"),
        (AclCategories.Scripting, "@scripting"),
    ];

    public static ReadOnlySpan<(KeySpecFlags Flag, string Name)> KeySpecFlagNames => s_keySpecFlagNames;

    private static readonly (KeySpecFlags Flag, string Name)[] s_keySpecFlagNames =
    [
        (KeySpecFlags.RO, "RO"),
        (KeySpecFlags.RW, "RW"),
        (KeySpecFlags.OW, "OW"),
        (KeySpecFlags.RM, "RM"),
        (KeySpecFlags.Access, "access"),
        (KeySpecFlags.Update, "update"),
        (KeySpecFlags.Insert, "insert"),
        (KeySpecFlags.Delete, "delete"),
        (KeySpecFlags.NotKey, "not_key"),
        (KeySpecFlags.Incomplete, "incomplete"),
        (KeySpecFlags.VariableFlags, "variable_flags"),
    ];
}
