namespace Slotgate.Commands;

/// <summary>
/// Merges what the cluster reports into the table Slotgate routes by. The rules:
/// <list type="bullet">
/// <item>the nodes' view wins for every command (and subcommand) they report: arity, flags, ACL categories, tips, key
/// specs, so a newer server's commands route by their own key specs;</item>
/// <item>what the seed table has and the nodes do not report stays (Slotgate's own CLIENT SETINFO and CLIENT NO-TOUCH,
/// <c>routing.customCommands</c>, and Redis 7.0 commands a different server lacks: that server answers them itself);</item>
/// <item>a merged entry equal to the one the current table holds keeps the current instance, so ids and everything
/// keyed by them (routes, stats, ACL permissions) stay valid when nothing really changed.</item>
/// </list>
/// What Slotgate answers itself and how it routes follows from the command's name (<see cref="CommandInfo.Local"/>,
/// the route table), so it carries over to a learned definition unchanged.
/// </summary>
internal static class CommandTableMerge
{
    /// <summary>
    /// The merged table, or <paramref name="current"/> itself when every command is unchanged and
    /// <paramref name="docs"/> is null (keep the current docs).
    /// </summary>
    public static CommandTable Merge(CommandTable seed, IReadOnlyCollection<CommandInfo> learned, CommandDocs? docs, CommandTable current)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(learned);
        ArgumentNullException.ThrowIfNull(current);
        var merged = new List<CommandInfo>(seed.Count + learned.Count);
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (CommandInfo command in learned)
        {
            reported.Add(command.Name);
            CommandInfo? seeded = seed.Find(command.Name);
            merged.Add(seeded is null ? command : KeepSeededSubcommands(command, seeded));
        }
        foreach (CommandInfo command in seed.Commands)
        {
            if (!reported.Contains(command.Name))
            {
                merged.Add(command);
            }
        }
        bool unchanged = merged.Count == current.Count;
        for (int i = 0; i < merged.Count; i++)
        {
            CommandInfo canonical = Canonical(merged[i], current.Find(merged[i].Name));
            unchanged &= current.Find(canonical.Name) == canonical;
            merged[i] = canonical;
        }
        if (unchanged && docs is null)
        {
            return current;
        }
        return CommandTable.Create(merged, docs ?? current.Docs);
    }

    /// <summary>True when the two describe the same command in every respect COMMAND INFO reports.</summary>
    public static bool SameDefinition(CommandInfo a, CommandInfo b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!string.Equals(a.Name, b.Name, StringComparison.Ordinal) || a.Arity != b.Arity ||
            (a.Flags & CommandFlags.RedisMask) != (b.Flags & CommandFlags.RedisMask) ||
            a.FirstKey != b.FirstKey || a.LastKey != b.LastKey || a.KeyStep != b.KeyStep || a.AclCategories != b.AclCategories ||
            !a.Tips.SequenceEqual(b.Tips, StringComparer.Ordinal) ||
            a.KeySpecs.Length != b.KeySpecs.Length || a.Subcommands.Length != b.Subcommands.Length)
        {
            return false;
        }
        for (int i = 0; i < a.KeySpecs.Length; i++)
        {
            KeySpec x = a.KeySpecs[i];
            KeySpec y = b.KeySpecs[i];
            if (x.Flags != y.Flags || x.BeginSearch != y.BeginSearch || x.FindKeys != y.FindKeys || !string.Equals(x.Notes, y.Notes, StringComparison.Ordinal))
            {
                return false;
            }
        }
        for (int i = 0; i < a.Subcommands.Length; i++)
        {
            if (!SameDefinition(a.Subcommands[i], b.Subcommands[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A learned container keeps the seed's subcommands it does not report (Slotgate's own additions).</summary>
    private static CommandInfo KeepSeededSubcommands(CommandInfo learned, CommandInfo seeded)
    {
        List<CommandInfo>? extra = null;
        foreach (CommandInfo sub in seeded.Subcommands)
        {
            if (learned.FindSubcommand(sub.SubcommandNameUtf8) is null)
            {
                (extra ??= []).Add(sub);
            }
        }
        if (extra is null || !learned.HasSubcommands)
        {
            return learned;
        }
        return Rebuild(learned, [.. learned.Subcommands, .. extra]);
    }

    /// <summary><paramref name="candidate"/>, or the current instance where it (or a subcommand of it) is the same.</summary>
    private static CommandInfo Canonical(CommandInfo candidate, CommandInfo? current)
    {
        if (current is null)
        {
            return candidate;
        }
        if (ReferenceEquals(candidate, current) || SameDefinition(candidate, current))
        {
            return current;
        }
        if (!candidate.HasSubcommands || !current.HasSubcommands)
        {
            return candidate;
        }
        var subcommands = new CommandInfo[candidate.Subcommands.Length];
        bool reused = false;
        for (int i = 0; i < subcommands.Length; i++)
        {
            CommandInfo sub = candidate.Subcommands[i];
            CommandInfo? old = current.FindSubcommand(sub.SubcommandNameUtf8);
            bool same = old is not null && SameDefinition(sub, old);
            subcommands[i] = same ? old! : sub;
            reused |= same;
        }
        return reused ? Rebuild(candidate, subcommands) : candidate;
    }

    private static CommandInfo Rebuild(CommandInfo command, CommandInfo[] subcommands)
    {
        Array.Sort(subcommands, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new CommandInfo(command.Name, command.Arity, command.Flags, command.FirstKey, command.LastKey, command.KeyStep,
            command.AclCategories, [.. command.Tips], command.KeySpecs.ToArray(), subcommands);
    }
}
