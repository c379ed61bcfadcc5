using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Commands;

/// <summary>
/// What the proxy knows about one command or subcommand, mirroring Redis 7's COMMAND INFO reply:
/// name, arity, flags, the legacy first/last/step key triple, ACL categories, tips, key specs and subcommands.
/// Immutable; built once (from the generated table or a backend's COMMAND reply) and shared by all sessions.
/// </summary>
internal sealed class CommandInfo
{
    private readonly KeySpec[] _keySpecs;
    private readonly CommandInfo[] _subcommands;
    private readonly string[] _tips;
    private readonly byte[] _subcommandNameUtf8;
    private static int s_count;

    /// <param name="name">Lower-case name as Redis reports it; subcommands are "container|sub" (e.g. "client|setname").</param>
    /// <param name="arity">Redis arity: positive = exactly that many arguments, negative = at least -arity (name included).</param>
    public CommandInfo(
        string name,
        int arity,
        CommandFlags flags,
        int firstKey,
        int lastKey,
        int keyStep,
        AclCategories aclCategories,
        string[] tips,
        KeySpec[] keySpecs,
        CommandInfo[] subcommands)
    {
        ArgumentNullException.ThrowIfNull(name);
        Id = Interlocked.Increment(ref s_count) - 1;
        Name = name;
        Arity = arity;
        Flags = CommandClassifier.Classify(name, flags & CommandFlags.RedisMask);
        FirstKey = firstKey;
        LastKey = lastKey;
        KeyStep = keyStep;
        AclCategories = aclCategories;
        _tips = tips;
        _keySpecs = keySpecs;
        _subcommands = subcommands;
        int bar = name.IndexOf('|', StringComparison.Ordinal);
        _subcommandNameUtf8 = bar < 0 ? [] : Encoding.UTF8.GetBytes(name[(bar + 1)..]);
        SpecialKeyFinder = CommandClassifier.SpecialKeyFinderFor(name);
        Local = CommandClassifier.LocalCommandFor(name);
        foreach (KeySpec spec in keySpecs)
        {
            if (spec.IsUnknown)
            {
                HasUnknownKeySpecs = true;
            }
        }
        // The commonest shape by far (GET, SET, INCR, HSET...): one spec, one key at a fixed index.
        if (SpecialKeyFinder == SpecialKeyFinder.None && keySpecs is [{ BeginSearch.Type: BeginSearchType.Index, FindKeys: { Type: FindKeysType.Range, LastKey: 0 } } only]
            && (only.Flags & KeySpecFlags.NotKey) == 0 && only.BeginSearch.Index > 0)
        {
            SingleKeyIndex = only.BeginSearch.Index;
        }
    }

    /// <summary>
    /// The argument index of the command's one key when its key specs say exactly that (one spec: a fixed index, a
    /// range of one); 0 otherwise. <see cref="FindKeys"/> gives the same answer; this is its shortcut on the hot path.
    /// </summary>
    public int SingleKeyIndex { get; }

    /// <summary>
    /// A number unique to this instance, from 0 up, so that per-command state kept elsewhere (stats, routes) is an
    /// array element rather than a dictionary lookup on every command.
    /// </summary>
    public int Id { get; }

    /// <summary>How many <see cref="Id"/>s have been given out: an array this long has a place for every command so far.</summary>
    public static int IdCount => Volatile.Read(ref s_count);

    public string Name { get; }

    public int Arity { get; }

    public CommandFlags Flags { get; }

    /// <summary>Legacy key triple (COMMAND INFO elements 4–6); the key specs are what <see cref="FindKeys"/> uses.</summary>
    public int FirstKey { get; }

    public int LastKey { get; }

    public int KeyStep { get; }

    public AclCategories AclCategories { get; }

    /// <summary>Redis's command tips, e.g. "request_policy:all_shards", verbatim.</summary>
    public IReadOnlyList<string> Tips => _tips;

    public ReadOnlySpan<KeySpec> KeySpecs => _keySpecs;

    public ReadOnlySpan<CommandInfo> Subcommands => _subcommands;

    public bool HasSubcommands => _subcommands.Length != 0;

    /// <summary>Hand-written key finder that replaces the key-spec search, for the few commands Redis cannot describe.</summary>
    public SpecialKeyFinder SpecialKeyFinder { get; }

    /// <summary>Which command Slotgate answers itself this is, for dispatch without comparing names; None for all others.</summary>
    public LocalCommand Local { get; }

    /// <summary>At least one key spec has unknown begin_search or find_keys; those specs are skipped by the search.</summary>
    public bool HasUnknownKeySpecs { get; }

    /// <summary>The part after '|' for a subcommand, empty for a top-level command.</summary>
    public ReadOnlySpan<byte> SubcommandNameUtf8 => _subcommandNameUtf8;

    /// <summary>
    /// Redis's dispatch-time arity check: a positive arity requires exactly that many arguments, a negative one at
    /// least its absolute value (the command name, and for subcommands the container name, count).
    /// </summary>
    public bool HasValidArity(int argCount) => Arity >= 0 ? argCount == Arity : argCount >= -Arity;

    /// <summary>Finds the subcommand named <paramref name="name"/> (ASCII case-insensitive), or null.</summary>
    public CommandInfo? FindSubcommand(ReadOnlySpan<byte> name)
    {
        // Containers have at most a few dozen subcommands; a scan is allocation-free and cheap enough.
        foreach (CommandInfo sub in _subcommands)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(sub.SubcommandNameUtf8, name))
            {
                return sub;
            }
        }
        return null;
    }

    /// <summary>
    /// Writes the argument indexes of the keys of <paramref name="frame"/> (which must be this command) into
    /// <paramref name="keyArgIndexes"/>, in the order COMMAND GETKEYS lists them.
    /// Returns the number of keys; when it exceeds the span's length only the first ones were written and the caller
    /// should retry with a span at least that long. Returns <see cref="KeyFinder.InvalidArguments"/> when the arguments
    /// contradict the key specs (e.g. numkeys is not a number or runs past the end): Redis rejects such commands.
    /// </summary>
    /// <param name="includeNotKeys">Also report arguments flagged not_key that still hash to a slot (sharded channels).</param>
    public int FindKeys(RequestFrame frame, Span<int> keyArgIndexes, bool includeNotKeys = false) =>
        KeyFinder.FindKeys(this, frame, keyArgIndexes, includeNotKeys);

    public override string ToString() => Name;
}
