using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Commands;

/// <summary>
/// Immutable name → <see cref="CommandInfo"/> map. <see cref="BuiltIn"/> is the Redis 7.0 table generated into
/// CommandTable.Generated.cs; <see cref="With"/> derives a new table, e.g. from a backend's COMMAND reply so module
/// commands route too, and the owner swaps its reference atomically (readers never see a table change).
/// Lookups are ASCII case-insensitive and allocation-free.
/// </summary>
internal sealed partial class CommandTable
{
    /// <summary>Longest name tried in the dictionary; anything longer cannot be a command and is not decoded.</summary>
    private const int MaxNameLength = 64;

    private static readonly Lazy<CommandTable> s_builtIn = new(() => new CommandTable(CreateBuiltInCommands()));

    private readonly Dictionary<string, CommandInfo> _byName;
    private readonly NameIndexEntry[] _index;
    private readonly CommandInfo[] _commands;

    private CommandTable(IEnumerable<CommandInfo> commands)
    {
        _byName = new Dictionary<string, CommandInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (CommandInfo command in commands)
        {
            // Later entries win, which is what lets With() override built-in definitions.
            _byName[command.Name] = command;
        }
        // Open addressing over the ASCII-lower-cased name bytes, at most a quarter full: the per-command lookup hashes
        // the bytes as they arrived, with no widening to chars and no comparer behind an interface.
        _index = new NameIndexEntry[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, _byName.Count * 4))];
        foreach (CommandInfo command in _byName.Values)
        {
            byte[] name = Encoding.UTF8.GetBytes(command.Name);
            int mask = _index.Length - 1;
            int slot = (int)(HashName(name) & (uint)mask);
            while (_index[slot].Name is not null)
            {
                slot = (slot + 1) & mask;
            }
            _index[slot] = new NameIndexEntry(name, command);
        }
        _commands = [.. _byName.Values];
        Array.Sort(_commands, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
    }

    /// <summary>The commands of Redis 7.0, as listed by its COMMAND reply.</summary>
    public static CommandTable BuiltIn => s_builtIn.Value;

    /// <summary>Top-level commands, sorted by name (what COMMAND and COMMAND COUNT answer from).</summary>
    public ReadOnlySpan<CommandInfo> Commands => _commands;

    public int Count => _commands.Length;

    /// <summary>
    /// A new table holding this one's commands plus <paramref name="extraCommands"/>, which replace same-named ones.
    /// Intended for a backend's COMMAND reply (module commands, or a newer Redis) once the protocol reader can turn
    /// that reply into <see cref="CommandInfo"/>s.
    /// </summary>
    public CommandTable With(IEnumerable<CommandInfo> extraCommands)
    {
        ArgumentNullException.ThrowIfNull(extraCommands);
        return new CommandTable(_commands.Concat(extraCommands));
    }

    /// <summary>A new table without the named top-level commands (tests use it to stand for an older table).</summary>
    public CommandTable Without(IEnumerable<string> names)
    {
        var removed = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        return new CommandTable(_commands.Where(c => !removed.Contains(c.Name)));
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
        int bar = name.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return _byName.GetValueOrDefault(name);
        }
        if (!_byName.TryGetValue(name[..bar], out CommandInfo? container))
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
        NameIndexEntry[] index = _index;
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
}
