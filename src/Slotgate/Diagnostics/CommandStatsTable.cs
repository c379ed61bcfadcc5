using Slotgate.Commands;

namespace Slotgate.Diagnostics;

/// <summary>
/// One <see cref="CommandStat"/> per command and subcommand of the table, created up front and never added to, so
/// looking one up on the per-command path is a lock-free read of a dictionary that no longer changes.
/// </summary>
internal sealed class CommandStatsTable
{
    private readonly Dictionary<CommandInfo, CommandStat> _stats = new(ReferenceEqualityComparer.Instance);
    private readonly List<CommandStat> _all = [];

    /// <summary>Commands not in the table (unknown names): one shared label, so clients cannot grow the label set.</summary>
    public CommandStat Other { get; } = new("other");

    /// <summary>Called once with the command table, before any client connects.</summary>
    public void Register(CommandTable commands)
    {
        if (_all.Count > 0)
        {
            return; // already registered (a second dispatcher over the same metrics)
        }
        foreach (CommandInfo command in commands.Commands)
        {
            Add(command);
            foreach (CommandInfo sub in command.Subcommands)
            {
                Add(sub);
            }
        }
        _all.Add(Other);
    }

    public CommandStat For(CommandInfo? command) =>
        command is not null && _stats.TryGetValue(command, out CommandStat? stat) ? stat : Other;

    /// <summary>Every command's stats, in table order.</summary>
    public IReadOnlyList<CommandStat> All => _all;

    public void Reset()
    {
        foreach (CommandStat stat in _all)
        {
            stat.Reset();
        }
    }

    private void Add(CommandInfo command)
    {
        if (!_stats.ContainsKey(command))
        {
            var stat = new CommandStat(command.Name.ToLowerInvariant());
            _stats[command] = stat;
            _all.Add(stat);
        }
    }
}
