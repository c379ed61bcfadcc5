using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Commands;

/// <summary>
/// Locates key arguments the way Redis 7 does for COMMAND GETKEYS and cluster slot checks: walk the command's key
/// specs (begin_search, then find_keys) generically, and use a hand-written finder only for the commands whose specs
/// Redis itself cannot apply (<see cref="SpecialKeyFinder"/>). Allocation-free: results go into a caller's span.
/// </summary>
internal static class KeyFinder
{
    /// <summary>Returned when the arguments contradict the key specs; Redis rejects such a command.</summary>
    public const int InvalidArguments = -1;

    /// <summary>See <see cref="CommandInfo.FindKeys"/>.</summary>
    public static int FindKeys(CommandInfo command, RequestFrame frame, Span<int> keyArgIndexes, bool includeNotKeys)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(frame);
        return command.SpecialKeyFinder switch
        {
            SpecialKeyFinder.Sort => FindSortKeys(frame, keyArgIndexes),
            SpecialKeyFinder.Migrate => FindMigrateKeys(frame, keyArgIndexes),
            _ => FindKeysUsingSpecs(command, frame, keyArgIndexes, includeNotKeys, []),
        };
    }

    /// <summary>
    /// The keys as <see cref="FindKeys"/> finds them (not_key arguments left out) with the flags COMMAND
    /// GETKEYSANDFLAGS gives each: its key spec's, or, for the commands whose flags depend on their arguments (SET
    /// ... GET, BITFIELD) and those with their own finder (SORT, MIGRATE), the flags Redis's own finder sets.
    /// Both spans must be at least as long as the frame has arguments.
    /// </summary>
    public static int FindKeysAndFlags(CommandInfo command, RequestFrame frame, Span<int> keyArgIndexes, Span<KeySpecFlags> flags)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(frame);
        int count = command.SpecialKeyFinder switch
        {
            SpecialKeyFinder.Sort => FindSortKeys(frame, keyArgIndexes),
            SpecialKeyFinder.Migrate => FindMigrateKeys(frame, keyArgIndexes),
            _ => FindKeysUsingSpecs(command, frame, keyArgIndexes, includeNotKeys: false, flags),
        };
        if (count <= 0)
        {
            return count;
        }
        switch (command.SpecialKeyFinder)
        {
            case SpecialKeyFinder.Sort:
                flags[0] = KeySpecFlags.RO | KeySpecFlags.Access;
                if (count > 1)
                {
                    flags[1] = KeySpecFlags.OW | KeySpecFlags.Update;
                }
                return count;
            case SpecialKeyFinder.Migrate:
                flags[..count].Fill(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete);
                return count;
        }
        if (command.Name.Equals("set", StringComparison.OrdinalIgnoreCase))
        {
            flags[0] = KeySpecFlags.OW | KeySpecFlags.Update;
            for (int i = 3; i < frame.ArgCount; i++)
            {
                if (Ascii.EqualsIgnoreCase(frame.Arg(i), "get"u8))
                {
                    flags[0] = KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update;
                }
            }
        }
        else if (command.Name.Equals("bitfield", StringComparison.OrdinalIgnoreCase))
        {
            flags[0] = IsReadOnlyBitfield(frame)
                ? KeySpecFlags.RO | KeySpecFlags.Access
                : KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update;
        }
        return count;
    }

    /// <summary>BITFIELD with only GET (and OVERFLOW) operations, judged as Redis's own key finder judges it.</summary>
    private static bool IsReadOnlyBitfield(RequestFrame frame)
    {
        int argc = frame.ArgCount;
        for (int i = 2; i < argc; i++)
        {
            int remaining = argc - i - 1;
            ReadOnlySpan<byte> arg = frame.Arg(i);
            if (Ascii.EqualsIgnoreCase(arg, "get"u8) && remaining >= 2)
            {
                i += 2;
            }
            else if (Ascii.EqualsIgnoreCase(arg, "overflow"u8) && remaining >= 1)
            {
                i += 1;
            }
            else
            {
                return false;
            }
        }
        return true;
    }

    private static int FindKeysUsingSpecs(CommandInfo command, RequestFrame frame, Span<int> output, bool includeNotKeys, Span<KeySpecFlags> flags)
    {
        int argc = frame.ArgCount;
        int count = 0;
        foreach (KeySpec spec in command.KeySpecs)
        {
            if ((spec.Flags & KeySpecFlags.NotKey) != 0 && !includeNotKeys)
            {
                continue;
            }
            if (spec.IsUnknown)
            {
                // Only SORT and MIGRATE lose keys this way and they have their own finders; SORT_RO's unknown spec
                // describes BY/GET patterns, which name keys only indirectly and are not routed on.
                continue;
            }

            int first;
            BeginSearch begin = spec.BeginSearch;
            if (begin.Type == BeginSearchType.Index)
            {
                first = begin.Index;
            }
            else
            {
                int keyword = FindKeyword(frame, spec.KeywordUtf8, begin.StartFrom);
                if (keyword < 0)
                {
                    // An absent optional keyword (GEORADIUS without STORE) just means this spec has no keys.
                    continue;
                }
                first = keyword + 1;
            }

            FindKeysRule find = spec.FindKeys;
            int last;
            if (find.Type == FindKeysType.Range)
            {
                if (find.LastKey >= 0)
                {
                    last = first + find.LastKey;
                }
                else if (find.Limit == 0)
                {
                    last = argc + find.LastKey;
                }
                else
                {
                    // Keys are the first 1/limit of what remains: XREAD ... STREAMS k1 k2 id1 id2 (limit 2).
                    last = first + ((argc - first) / find.Limit) + find.LastKey;
                }
            }
            else
            {
                int numKeysIndex = first + find.KeyNumIndex;
                if (numKeysIndex >= argc || !TryParseCount(frame.Arg(numKeysIndex), out int numKeys))
                {
                    return InvalidArguments;
                }
                first += find.FirstKey;
                if (numKeys == 0)
                {
                    // EVAL script 0: no keys, and nothing wrong with that.
                    continue;
                }
                last = first + numKeys - 1;
            }

            if (first >= argc || last >= argc || last < first)
            {
                return InvalidArguments;
            }
            int step = Math.Max(find.KeyStep, 1);
            for (int i = first; i <= last; i += step)
            {
                if (count < flags.Length)
                {
                    flags[count] = spec.Flags;
                }
                Add(output, ref count, i);
            }
        }
        return count;
    }

    /// <summary>
    /// Returns the index of the keyword, or -1. A positive <paramref name="startFrom"/> searches forwards from that
    /// index, a negative one backwards from argc + startFrom; as in Redis, the last argument is never taken as the
    /// keyword of a forward search (no key could follow it) and index 1 never ends a backward one.
    /// </summary>
    private static int FindKeyword(RequestFrame frame, ReadOnlySpan<byte> keyword, int startFrom)
    {
        int argc = frame.ArgCount;
        if (startFrom > 0)
        {
            for (int i = startFrom; i < argc - 1; i++)
            {
                if (Ascii.EqualsIgnoreCase(frame.Arg(i), keyword))
                {
                    return i;
                }
            }
        }
        else
        {
            for (int i = argc + startFrom; i > 1; i--)
            {
                if (i < argc && Ascii.EqualsIgnoreCase(frame.Arg(i), keyword))
                {
                    return i;
                }
            }
        }
        return -1;
    }

    /// <summary>
    /// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]:
    /// the key, then the argument after the last STORE. Option arguments are skipped the way Redis's own SORT key
    /// finder skips them (LIMIT takes two, BY and GET one) so that a pattern spelled "store" is not mistaken.
    /// </summary>
    private static int FindSortKeys(RequestFrame frame, Span<int> output)
    {
        int argc = frame.ArgCount;
        int count = 0;
        if (argc < 2)
        {
            return InvalidArguments;
        }
        Add(output, ref count, 1);
        int store = -1;
        for (int i = 2; i < argc; i++)
        {
            ReadOnlySpan<byte> arg = frame.Arg(i);
            if (Ascii.EqualsIgnoreCase(arg, "limit"u8))
            {
                i += 2;
            }
            else if (Ascii.EqualsIgnoreCase(arg, "get"u8) || Ascii.EqualsIgnoreCase(arg, "by"u8))
            {
                i += 1;
            }
            else if (Ascii.EqualsIgnoreCase(arg, "store"u8) && i + 1 < argc)
            {
                // Not skipped on purpose: Redis's finder keeps scanning from the destination, and the last STORE wins.
                store = i + 1;
            }
        }
        if (store > 0)
        {
            Add(output, ref count, store);
        }
        return count;
    }

    /// <summary>
    /// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password] [AUTH2 username password]
    /// [KEYS key ...]: the key argument, unless it is empty and a KEYS list follows (AUTH/AUTH2 values are skipped
    /// so a password spelled "keys" is not mistaken).
    /// </summary>
    private static int FindMigrateKeys(RequestFrame frame, Span<int> output)
    {
        int argc = frame.ArgCount;
        if (argc < 6)
        {
            return InvalidArguments;
        }
        int first = 3;
        int last = 3;
        if (frame.Arg(3).IsEmpty)
        {
            for (int i = 6; i < argc; i++)
            {
                ReadOnlySpan<byte> arg = frame.Arg(i);
                if (Ascii.EqualsIgnoreCase(arg, "auth"u8))
                {
                    i += 1;
                }
                else if (Ascii.EqualsIgnoreCase(arg, "auth2"u8))
                {
                    i += 2;
                }
                else if (Ascii.EqualsIgnoreCase(arg, "keys"u8))
                {
                    first = i + 1;
                    last = argc - 1;
                    break;
                }
            }
        }
        int count = 0;
        for (int i = first; i <= last; i++)
        {
            Add(output, ref count, i);
        }
        return count;
    }

    private static void Add(Span<int> output, ref int count, int index)
    {
        if (count < output.Length)
        {
            output[count] = index;
        }
        count++;
    }

    /// <summary>
    /// Parses a key count as strictly as Redis's string2ll (no sign, spaces or leading zeros) and rejects negatives
    /// and values that cannot be argument counts.
    /// </summary>
    private static bool TryParseCount(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 10 || (text[0] == (byte)'0' && text.Length > 1))
        {
            return false;
        }
        long result = 0;
        foreach (byte b in text)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9)
            {
                return false;
            }
            result = (result * 10) + digit;
        }
        if (result > int.MaxValue)
        {
            return false;
        }
        value = (int)result;
        return true;
    }
}
