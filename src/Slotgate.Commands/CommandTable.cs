using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Commands;

/// <summary>
/// Name → <see cref="CommandInfo"/> map. <see cref="BuiltIn"/> is the Redis 7.0 table generated into
/// CommandTable.Generated.cs; <see cref="With"/> derives a new table. The table a server routes by is one long-lived
/// instance whose contents <see cref="Replace"/> swaps for those of a table learned from the cluster
/// (<see cref="CommandTableMerge"/>): every read goes through one volatile reference to an immutable snapshot, so a
/// lookup sees either the old table or the new one, never a mix, and everything holding the instance sees the change.
/// <see cref="Changed"/> tells those that derive state from it (routes, ACL users, stats) to rebuild it.
/// Lookups are ASCII case-insensitive and allocation-free.
/// </summary>
internal sealed partial class CommandTable
{
    /// <summary>Longest name tried in the dictionary; anything longer cannot be a command and is not decoded.</summary>
    private const int MaxNameLength = 64;

    private static readonly Lazy<CommandTable> s_builtIn = new(() => new CommandTable(CreateBuiltInCommands(), CommandDocs.Empty) { _frozen = true });

    private volatile Snapshot _state;
    private readonly Lock _gate = new();
    private bool _frozen;
    private Action<CommandTable>? _changed;

    private CommandTable(IEnumerable<CommandInfo> commands, CommandDocs docs)
    {
        _state = new Snapshot(commands, docs);
    }

    /// <summary>The commands of Redis 7.0, as listed by its COMMAND reply. Never replaced.</summary>
    public static CommandTable BuiltIn => s_builtIn.Value;

    /// <summary>Top-level commands, sorted by name (what COMMAND and COMMAND COUNT answer from).</summary>
    public ReadOnlySpan<CommandInfo> Commands => _state.Commands;

    public int Count => _state.Commands.Length;

    /// <summary>COMMAND DOCS entries: learned from the nodes, and Slotgate's own for the commands it adds.</summary>
    public CommandDocs Docs => _state.Docs;

    /// <summary>How many times <see cref="Replace"/> has changed this table (0 for a table never replaced).</summary>
    public int Generation => _state.Generation;

    /// <summary>
    /// Raised (on the thread that called <see cref="Replace"/>) after the contents changed. A frozen table
    /// (<see cref="BuiltIn"/>) never changes and keeps no handlers.
    /// </summary>
    public event Action<CommandTable>? Changed
    {
        add
        {
            if (!_frozen)
            {
                lock (_gate)
                {
                    _changed += value;
                }
            }
        }
        remove
        {
            lock (_gate)
            {
                _changed -= value;
            }
        }
    }

    /// <summary>
    /// Takes on the contents of <paramref name="other"/> (atomically for readers) and raises <see cref="Changed"/>.
    /// </summary>
    public void Replace(CommandTable other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (_frozen)
        {
            throw new InvalidOperationException("The built-in command table cannot be replaced.");
        }
        Snapshot next = other._state;
        _state = new Snapshot(next, _state.Generation + 1);
        Action<CommandTable>? handlers;
        lock (_gate)
        {
            handlers = _changed;
        }
        handlers?.Invoke(this);
    }

    /// <summary>A new table with these commands and docs (later same-named commands win).</summary>
    public static CommandTable Create(IEnumerable<CommandInfo> commands, CommandDocs docs) => new(commands, docs);

    /// <summary>A new table with this one's commands and <paramref name="docs"/>.</summary>
    public CommandTable WithDocs(CommandDocs docs) => new(_state.Commands.ToArray(), docs);

    /// <summary>
    /// A new table holding this one's commands plus <paramref name="extraCommands"/>, which replace same-named ones.
    /// Intended for a backend's COMMAND reply (module commands, or a newer Redis) once the protocol reader can turn
    /// that reply into <see cref="CommandInfo"/>s.
    /// </summary>
    public CommandTable With(IEnumerable<CommandInfo> extraCommands)
    {
        ArgumentNullException.ThrowIfNull(extraCommands);
        Snapshot state = _state;
        return new CommandTable(state.Commands.Concat(extraCommands), state.Docs);
    }

    /// <summary>A new table without the named top-level commands (tests use it to stand for an older table).</summary>
    public CommandTable Without(IEnumerable<string> names)
    {
        var removed = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        Snapshot state = _state;
        return new CommandTable(state.Commands.Where(c => !removed.Contains(c.Name)), state.Docs);
    }

    /// <summary>
    /// The command for <paramref name="frame"/>: the top-level command, or for containers (CLIENT, CONFIG, OBJECT,
    /// XINFO, ...) the subcommand named by argument 1. Null when the command is unknown. A container whose
    /// subcommand is unknown or missing comes back as itself (check <see cref="CommandInfo.HasSubcommands"/>):
    /// Redis will answer it with an error, and the router may still forward it.
    /// </summary>
    public CommandInfo? Find(RequestFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.ArgCount == 0)
        {
            return null;
        }
        CommandInfo? command = FindTopLevel(frame.Arg(0));
        if (command is not null && command.HasSubcommands && frame.ArgCount > 1)
        {
            return command.FindSubcommand(frame.Arg(1)) ?? command;
        }
        return command;
    }

    /// <summary>
    /// Looks up a name as COMMAND INFO accepts it: "get", "GET", or a subcommand's full name "client|setname".
    /// Null when unknown (for a full name, when either part is).
    /// </summary>
    public CommandInfo? Find(ReadOnlySpan<byte> name)
    {
        int bar = name.IndexOf((byte)'|');
        if (bar < 0)
        {
            return FindTopLevel(name);
        }
        return FindTopLevel(name[..bar])?.FindSubcommand(name[(bar + 1)..]);
    }

    /// <inheritdoc cref="Find(ReadOnlySpan{byte})"/>
    public CommandInfo? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Dictionary<string, CommandInfo> byName = _state.ByName;
        int bar = name.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return byName.GetValueOrDefault(name);
        }
        if (!byName.TryGetValue(name[..bar], out CommandInfo? container))
        {
            return null;
        }
        foreach (CommandInfo sub in container.Subcommands)
        {
            if (string.Equals(sub.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return sub;
            }
        }
        return null;
    }

    private CommandInfo? FindTopLevel(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > MaxNameLength)
        {
            return null;
        }
        NameIndexEntry[] index = _state.Index;
        int mask = index.Length - 1;
        for (int slot = (int)(HashName(name) & (uint)mask); index[slot].Name is { } known; slot = (slot + 1) & mask)
        {
            if (Ascii.EqualsIgnoreCase(known, name))
            {
                return index[slot].Command;
            }
        }
        return null;
    }

    /// <summary>FNV-1a over the bytes with ASCII letters folded to lower case (other bytes may collide; the lookup compares).</summary>
    private static uint HashName(ReadOnlySpan<byte> name)
    {
        uint hash = 2166136261;
        foreach (byte b in name)
        {
            hash = (hash ^ (uint)(b | 0x20)) * 16777619;
        }
        return hash;
    }

    private readonly record struct NameIndexEntry(byte[]? Name, CommandInfo? Command);

    /// <summary>One immutable version of the table's contents.</summary>
    private sealed class Snapshot
    {
        public Snapshot(IEnumerable<CommandInfo> commands, CommandDocs docs)
        {
            ByName = new Dictionary<string, CommandInfo>(StringComparer.OrdinalIgnoreCase);
            foreach (CommandInfo command in commands)
            {
                // Later entries win, which is what lets With() override built-in definitions.
                ByName[command.Name] = command;
            }
            // Open addressing over the ASCII-lower-cased name bytes, at most a quarter full: the per-command lookup hashes
            // the bytes as they arrived, with no widening to chars and no comparer behind an interface.
            Index = new NameIndexEntry[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, ByName.Count * 4))];
            foreach (CommandInfo command in ByName.Values)
            {
                byte[] name = Encoding.UTF8.GetBytes(command.Name);
                int mask = Index.Length - 1;
                int slot = (int)(HashName(name) & (uint)mask);
                while (Index[slot].Name is not null)
                {
                    slot = (slot + 1) & mask;
                }
                Index[slot] = new NameIndexEntry(name, command);
            }
            Commands = [.. ByName.Values];
            Array.Sort(Commands, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            Docs = docs;
        }

        public Snapshot(Snapshot contents, int generation)
        {
            (ByName, Index, Commands, Docs, Generation) = (contents.ByName, contents.Index, contents.Commands, contents.Docs, generation);
        }

        public Dictionary<string, CommandInfo> ByName { get; }

        public NameIndexEntry[] Index { get; }

        public CommandInfo[] Commands { get; }

        public CommandDocs Docs { get; }

        public int Generation { get; }
    }
}
