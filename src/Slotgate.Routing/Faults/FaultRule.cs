namespace Slotgate.Faults;

/// <summary>One configured fault, ready for matching: command names lower-cased as the command table has them.</summary>
internal sealed class FaultRule
{
    private readonly HashSet<string>? _commands;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _byContainer;

    public FaultRule(bool isError, double percent, TimeSpan delay, IReadOnlyList<string> commands)
    {
        IsError = isError;
        Percent = percent;
        Delay = delay;
        if (commands.Count > 0)
        {
            _commands = new HashSet<string>(commands.Select(c => c.Trim().Replace(' ', '|')), StringComparer.OrdinalIgnoreCase);
            _byContainer = _commands.GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    public bool IsError { get; }

    public double Percent { get; }

    public TimeSpan Delay { get; }

    /// <summary>
    /// Whether the fault covers <paramref name="name"/> (a command table name, "client|list" for subcommands). A
    /// listed container covers its subcommands. Allocation-free.
    /// </summary>
    public bool Covers(string name)
    {
        if (_commands is null || _commands.Contains(name))
        {
            return true;
        }
        int bar = name.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && _byContainer.Contains(name.AsSpan(0, bar));
    }
}
