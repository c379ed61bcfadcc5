namespace Slotgate.Commands;

/// <summary>
/// Slotgate's hand-kept knowledge about commands that Redis's metadata does not carry: the classification bits of
/// <see cref="CommandFlags"/> and which commands need a hand-written key finder. Applied to every
/// <see cref="CommandInfo"/>, including ones learned from a backend at run time.
/// </summary>
internal static class CommandClassifier
{
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
}
