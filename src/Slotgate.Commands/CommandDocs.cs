namespace Slotgate.Commands;

/// <summary>
/// The COMMAND DOCS entry of each command, by lower-case name, as the RESP2 encoding of its doc map (summary, since,
/// group, complexity, arguments, ...): learned from a node's <c>COMMAND DOCS</c> reply, or written by Slotgate for the
/// commands it adds itself. Immutable; a refresh builds a new one.
/// </summary>
internal sealed class CommandDocs
{
    private readonly Dictionary<string, byte[]> _byName;

    public CommandDocs(IEnumerable<KeyValuePair<string, byte[]>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _byName = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, byte[] doc) in entries)
        {
            _byName[name.ToLowerInvariant()] = doc;
        }
    }

    public static CommandDocs Empty { get; } = new([]);

    public int Count => _byName.Count;

    /// <summary>The encoded doc map of <paramref name="name"/> ("get", or "client|setname"), or null when there is none.</summary>
    public byte[]? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>These entries, with <paramref name="entries"/> added or replacing same-named ones.</summary>
    public CommandDocs With(IEnumerable<KeyValuePair<string, byte[]>> entries) => new(_byName.Concat(entries));

    /// <summary>These entries, with <paramref name="entries"/> added only where no entry of that name exists.</summary>
    public CommandDocs WithDefaults(IEnumerable<KeyValuePair<string, byte[]>> entries)
    {
        var merged = new Dictionary<string, byte[]>(_byName, StringComparer.OrdinalIgnoreCase);
        foreach ((string name, byte[] doc) in entries)
        {
            merged.TryAdd(name.ToLowerInvariant(), doc);
        }
        return new CommandDocs(merged);
    }
}
