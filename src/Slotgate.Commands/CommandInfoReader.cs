using Slotgate.Protocol;

namespace Slotgate.Commands;

/// <summary>
/// Turns one entry of a node's <c>COMMAND</c> / <c>COMMAND INFO</c> reply into a <see cref="CommandInfo"/>: name, arity,
/// flags, the legacy key triple, ACL categories, tips, key specs (every begin_search and find_keys type) and
/// subcommands, in RESP2 (maps as flat arrays) or RESP3 (maps and sets). Names are lower-cased (Garnet reports them in
/// upper case); flags, categories and key-spec flags Slotgate does not know are ignored; a key spec whose search it
/// cannot read becomes an unknown one, which the key search skips, as Redis does.
/// </summary>
internal static class CommandInfoReader
{
    /// <summary>The entry as a command, or null when it is not a command entry (a null for an unknown name, an error).</summary>
    public static CommandInfo? Read(RespValue entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        IReadOnlyList<RespValue> items = entry.ItemsOrEmpty;
        if (items.Count < 6 || items[0].Text is not { Length: > 0 } name || items[2].Items is not { } flagItems)
        {
            return null;
        }
        CommandFlags flags = ReadNames(flagItems, CommandMetadataNames.CommandFlagNames);
        AclCategories categories = items.Count > 6 ? ReadNames(items[6].ItemsOrEmpty, CommandMetadataNames.AclCategoryNames) : AclCategories.None;
        string[] tips = items.Count > 7 ? ReadTips(items[7].ItemsOrEmpty) : [];
        KeySpec[] specs = items.Count > 8 ? ReadKeySpecs(items[8].ItemsOrEmpty) : [];
        var subcommands = new List<CommandInfo>();
        if (items.Count > 9)
        {
            foreach (RespValue sub in items[9].ItemsOrEmpty)
            {
                if (Read(sub) is { } subcommand)
                {
                    subcommands.Add(subcommand);
                }
            }
            subcommands.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        }
        int first = (int)items[3].Integer;
        int last = (int)items[4].Integer;
        int step = (int)items[5].Integer;
        if (specs.Length == 0 && first > 0)
        {
            // A server older than Redis 7 (or a module command declared the old way) reports no key specs: the legacy
            // triple is all there is, and Redis itself derives a range spec from it.
            specs = [new KeySpec(KeySpecFlags.None, BeginSearch.AtIndex(first), FindKeysRule.Range(last < 0 ? last : last - first, Math.Max(step, 1), 0))];
        }
        return new CommandInfo(name.ToLowerInvariant(), (int)items[1].Integer, flags, first, last, step, categories, tips, specs, [.. subcommands]);
    }

    private static TFlags ReadNames<TFlags>(IReadOnlyList<RespValue> values, ReadOnlySpan<(TFlags Flag, string Name)> names)
        where TFlags : struct, Enum
    {
        ulong bits = 0;
        foreach (RespValue value in values)
        {
            foreach ((TFlags flag, string flagName) in names)
            {
                if (string.Equals(value.Text, flagName, StringComparison.OrdinalIgnoreCase))
                {
                    bits |= Convert.ToUInt64(flag, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        return (TFlags)Enum.ToObject(typeof(TFlags), bits);
    }

    private static string[] ReadTips(IReadOnlyList<RespValue> values)
    {
        var tips = new List<string>(values.Count);
        foreach (RespValue value in values)
        {
            if (value.Text is { } tip)
            {
                tips.Add(tip);
            }
        }
        return [.. tips];
    }

    private static KeySpec[] ReadKeySpecs(IReadOnlyList<RespValue> values)
    {
        var specs = new List<KeySpec>(values.Count);
        foreach (RespValue value in values)
        {
            IReadOnlyList<RespValue> map = value.ItemsOrEmpty;
            string? notes = Field(map, "notes")?.Text;
            KeySpecFlags flags = ReadNames(Field(map, "flags")?.ItemsOrEmpty ?? [], CommandMetadataNames.KeySpecFlagNames);
            specs.Add(new KeySpec(flags, ReadBeginSearch(Field(map, "begin_search")), ReadFindKeys(Field(map, "find_keys")), notes));
        }
        return [.. specs];
    }

    /// <summary>begin_search: {type: index, spec: {index}} | {type: keyword, spec: {keyword, startfrom}} | unknown.</summary>
    private static BeginSearch ReadBeginSearch(RespValue? value)
    {
        IReadOnlyList<RespValue> map = value?.ItemsOrEmpty ?? [];
        IReadOnlyList<RespValue> spec = Field(map, "spec")?.ItemsOrEmpty ?? [];
        switch (Field(map, "type")?.Text?.ToLowerInvariant())
        {
            case "index" when Field(spec, "index") is { } index:
                return BeginSearch.AtIndex((int)index.Integer);
            case "keyword" when Field(spec, "keyword")?.Text is { } keyword:
                return BeginSearch.AfterKeyword(keyword, (int)(Field(spec, "startfrom")?.Integer ?? 1));
            default:
                return BeginSearch.Unknown;
        }
    }

    /// <summary>find_keys: {type: range, spec: {lastkey, keystep, limit}} | {type: keynum, spec: {keynumidx, firstkey, keystep}} | unknown.</summary>
    private static FindKeysRule ReadFindKeys(RespValue? value)
    {
        IReadOnlyList<RespValue> map = value?.ItemsOrEmpty ?? [];
        IReadOnlyList<RespValue> spec = Field(map, "spec")?.ItemsOrEmpty ?? [];
        switch (Field(map, "type")?.Text?.ToLowerInvariant())
        {
            case "range":
                return FindKeysRule.Range((int)(Field(spec, "lastkey")?.Integer ?? 0), (int)(Field(spec, "keystep")?.Integer ?? 1),
                    (int)(Field(spec, "limit")?.Integer ?? 0));
            case "keynum":
                return FindKeysRule.KeyNum((int)(Field(spec, "keynumidx")?.Integer ?? 0), (int)(Field(spec, "firstkey")?.Integer ?? 1),
                    (int)(Field(spec, "keystep")?.Integer ?? 1));
            default:
                return FindKeysRule.Unknown;
        }
    }

    /// <summary>The value after <paramref name="name"/> in a map's flat key/value list, or null.</summary>
    private static RespValue? Field(IReadOnlyList<RespValue> map, string name)
    {
        for (int i = 0; i + 1 < map.Count; i += 2)
        {
            if (string.Equals(map[i].Text, name, StringComparison.OrdinalIgnoreCase))
            {
                return map[i + 1];
            }
        }
        return null;
    }
}
